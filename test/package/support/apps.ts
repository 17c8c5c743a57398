/**
 * Fresh consumer apps for the framework-apps test: a template folder copied (`*.tmpl` renamed),
 * the packed tarball and the app's runtime dependencies installed by npm at exact pins (from the
 * registry, through npm's cache when it has them), and a strict tsconfig for type checks.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SUPPORT = fileURLToPath(new URL('./', import.meta.url));
const pins = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies;

/** `name@version` with the version the repo pins in devDependencies. */
export const pinned = (...names: string[]) => names.map((n) => `${n}@${pins[n]}`);

/** Runs a command; resolves with its exit code and output (never rejects). */
export async function exec(
  bin: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(bin, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** A fresh app folder from a template, with the tarball and `deps` installed by npm. */
export async function createApp(
  tmp: string,
  tarball: string,
  name: string,
  template: string,
  deps: string[],
): Promise<string> {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const source = join(SUPPORT, template);
  for (const file of readdirSync(source))
    cpSync(join(source, file), join(dir, file.replace(/\.tmpl$/, '')));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  const install = await exec(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--save-exact',
      tarball,
      ...deps,
    ],
    dir,
  );
  if (install.code !== 0) throw new Error(`npm install in ${name} failed:\n${install.out}`);
  // The declarations import LiveConnectConfig from @google/genai (an optional peer dependency a
  // TypeScript consumer installs): link the repo's copy rather than download it again.
  mkdirSync(join(dir, 'node_modules/@google'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules/@google/genai'), join(dir, 'node_modules/@google/genai'));
  return dir;
}

export function tsconfig(
  dir: string,
  include: string[],
  extra: Record<string, unknown> = {},
): void {
  const compilerOptions = {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    ...extra,
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include }, null, 2));
}
