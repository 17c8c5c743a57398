/**
 * Property names the minifier may shorten: TypeScript `private` members whose name appears
 * nowhere in the browser sources except as `private name` or `.name`. A name that also appears as
 * an object-literal key, an interface member, a public field, a destructured binding or inside a
 * string could reach JSON on the wire, a postMessage payload, the DOM or the public API, so it is
 * left alone (comments are read too: a name a comment mentions is also left alone); so are names
 * comlink's source uses, and terser itself never touches the DOM and built-in names it knows. Computed from the sources at build time, so new code cannot leave a
 * stale list behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['src', 'worklets'];
/** Node-only folders: never in a minified browser file. */
const NODE_ONLY = /^src[\\/](server|emulator)([\\/]|$)/;
const DECLARED = /\bprivate\s+(?:static\s+)?(?:readonly\s+)?([A-Za-z_$][\w$]*)/g;
const OK_BEFORE = [/\bprivate\s+(?:static\s+)?(?:readonly\s+)?$/, /(?:^|[^.])\.\s*$/];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return NODE_ONLY.test(path) ? [] : sources(path);
    return /\.ts$/.test(d.name) && !/\.test\.ts$/.test(d.name) ? [path] : [];
  });
}

/** Names safe to mangle, for terser's `mangle.properties.regex`. */
export function internalProps(root = '.') {
  const files = ROOTS.flatMap((r) => sources(join(root, r))).map((f) => readFileSync(f, 'utf8'));
  const comlink = readFileSync(join(root, 'node_modules/comlink/dist/esm/comlink.mjs'), 'utf8');
  const declared = new Set(files.flatMap((code) => [...code.matchAll(DECLARED)].map((m) => m[1])));
  const safe = [...declared].filter((name) => {
    // Short names gain little and are the likeliest to mean something elsewhere.
    if (name.length < 3) return false;
    const word = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
    if (word.test(comlink)) return false;
    return files.every((code) =>
      [...code.matchAll(word)].every((m) => {
        const before = code.slice(Math.max(0, m.index - 40), m.index);
        return OK_BEFORE.some((re) => re.test(before));
      }),
    );
  });
  return safe.sort();
}

export const internalPropsRegex = (root) => new RegExp(`^(?:${internalProps(root).join('|')})$`);
