/**
 * The React and Vue demo pages' scripts, bundled on request with esbuild (a devDependency), the
 * way an app's bundler would: the framework from node_modules and the SDK from the built dist/
 * (its `live-agent/react` / `live-agent/vue` entries), never from src/. The worker and worklets
 * are not inlined: the bundle finds them beside itself (demo/server.ts serves them there).
 */
import { build, type Plugin } from 'esbuild';
import { join } from 'node:path';

/** `../../src/react/index.ts` in the demo source (type-checked in the repo) → `dist/react.js`. */
function builtSdk(dist: string): Plugin {
  return {
    name: 'built-sdk',
    setup(b) {
      b.onResolve({ filter: /\/src\/(react|vue)\/index\.ts$/ }, (args) => ({
        path: join(dist, `${/\/src\/(react|vue)\//.exec(args.path)![1]}.js`),
      }));
    },
  };
}

/** Bundles one demo entry (demo/react/main.tsx or demo/vue/main.ts) into one ES module. */
export async function bundleDemo(entry: string, dist: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    write: false,
    logLevel: 'error',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    plugins: [builtSdk(dist)],
  });
  return result.outputFiles[0]!.text;
}
