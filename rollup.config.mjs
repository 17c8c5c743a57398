// One table of outputs (comlink's habit): ESM entries, the worker, one bundle per worklet, the
// script-tag IIFE, and the Node-only entries. Declarations come from `tsc -p tsconfig.build.json`.
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { internalPropsRegex } from './scripts/internal-props.mjs';

/**
 * comlink without its `proxy()` transfer handler: the SDK passes data, ports and transferables to
 * the worker, never a callback proxy (nothing calls comlink's `proxy`). The handler is registered
 * in a module-level Map, so tree-shaking cannot see that it is unused, and it ties `wrap` and
 * `expose` together: each side of the worker shipped the other side's half. Without it the page
 * keeps `wrap`, the worker keeps `expose`. The page only calls the worker's methods (APPLY, and
 * RELEASE when a remote is dropped): `expose` loses its property-get, -set, `new` and endpoint
 * cases, which pulled `proxy()` and a second `expose` into the worker, and `wrap`'s remotes lose
 * the traps that would send them. Only the worker throws across (its errors reach the page as
 * comlink's thrown values): the page's copy keeps only the throw handler's `deserialize`, the
 * worker's only its `serialize`. A comlink whose source no longer matches fails the build.
 */
const comlinkOneSided = (side) => ({
  name: 'comlink-one-sided',
  transform(code, id) {
    if (!/[\\/]comlink[\\/]dist[\\/]esm[\\/]comlink\.mjs$/.test(id)) return null;
    const edits = [
      side === 'worker'
        ? [
            `deserialize(serialized) {
        if (serialized.isError) {
            throw Object.assign(new Error(serialized.value.message), serialized.value);
        }
        throw serialized.value;
    },`,
            '',
          ]
        : [
            `serialize({ value }) {
        let serialized;
        if (value instanceof Error) {
            serialized = {
                isError: true,
                value: {
                    message: value.message,
                    name: value.name,
                    stack: value.stack,
                },
            };
        }
        else {
            serialized = { isError: false, value };
        }
        return [serialized, []];
    },`,
            '',
          ],
      ['["proxy", proxyTransferHandler],', ''],
      [
        `case "SET" /* MessageType.SET */:
                    {
                        parent[path.slice(-1)[0]] = fromWireValue(ev.data.value);
                        returnValue = true;
                    }
                    break;`,
        '',
      ],
      [
        `case "CONSTRUCT" /* MessageType.CONSTRUCT */:
                    {
                        const value = new rawValue(...argumentList);
                        returnValue = proxy(value);
                    }
                    break;`,
        '',
      ],
      [
        `case "ENDPOINT" /* MessageType.ENDPOINT */:
                    {
                        const { port1, port2 } = new MessageChannel();
                        expose(obj, port2);
                        returnValue = transfer(port1, [port1]);
                    }
                    break;`,
        '',
      ],
      // Only createProxy uses it: let the worker's bundle drop it with the rest of `wrap`.
      ['&&\n    new FinalizationRegistry(', '&&\n    /* @__PURE__ */ new FinalizationRegistry('],
      // The page's remotes likewise only call: no property read (awaiting `remote.x`), set,
      // `new` or endpoint request, so the page ships none and the worker answers no GET.
      [
        `case "GET" /* MessageType.GET */:
                    {
                        returnValue = rawValue;
                    }
                    break;`,
        '',
      ],
      [
        `if (path.length === 0) {
                    return { then: () => proxy };
                }
                const r = requestResponseMessage(ep, pendingListeners, {
                    type: "GET" /* MessageType.GET */,
                    path: path.map((p) => p.toString()),
                }).then(fromWireValue);
                return r.then.bind(r);`,
        'return path.length === 0 ? { then: () => proxy } : undefined;',
      ],
      [
        `set(_target, prop, rawValue) {
            throwIfProxyReleased(isProxyReleased);
            // FIXME: ES6 Proxy Handler \`set\` methods are supposed to return a
            // boolean. To show good will, we return true asynchronously ¯\\_(ツ)_/¯
            const [value, transferables] = toWireValue(rawValue);
            return requestResponseMessage(ep, pendingListeners, {
                type: "SET" /* MessageType.SET */,
                path: [...path, prop].map((p) => p.toString()),
                value,
            }, transferables).then(fromWireValue);
        },`,
        '',
      ],
      [
        `if (last === createEndpoint) {
                return requestResponseMessage(ep, pendingListeners, {
                    type: "ENDPOINT" /* MessageType.ENDPOINT */,
                }).then(fromWireValue);
            }`,
        '',
      ],
      [
        `construct(_target, rawArgumentList) {
            throwIfProxyReleased(isProxyReleased);
            const [argumentList, transferables] = processArguments(rawArgumentList);
            return requestResponseMessage(ep, pendingListeners, {
                type: "CONSTRUCT" /* MessageType.CONSTRUCT */,
                path: path.map((p) => p.toString()),
                argumentList,
            }, transferables).then(fromWireValue);
        },`,
        '',
      ],
      // Request ids need only be unique among the page's own requests (the page is the one
      // sender on its worker): a counter, not four random numbers.
      [
        `function generateUUID() {
    return new Array(4)
        .fill(0)
        .map(() => Math.floor(Math.random() * Number.MAX_SAFE_INTEGER).toString(16))
        .join("-");
}`,
        'let lastId = 0;\nfunction generateUUID() {\n    return String(++lastId);\n}',
      ],
      // Nor does the page release a remote by hand (`releaseProxy`: dropping it releases it) or
      // bind a remote's method, and the worker's `expose` takes messages only from its own page.
      [
        `if (prop === releaseProxy) {
                return () => {
                    unregisterProxy(proxy);
                    releaseEndpoint(ep);
                    pendingListeners.clear();
                    isProxyReleased = true;
                };
            }`,
        '',
      ],
      ['let isProxyReleased = false;', ''],
      ['throwIfProxyReleased(isProxyReleased);', ''],
      [
        `// We just pretend that \`bind()\` didn’t happen.
            if (last === "bind") {
                return createProxy(ep, pendingListeners, path.slice(0, -1));
            }`,
        '',
      ],
      ['const last = path[path.length - 1];', ''],
      [
        'function expose(obj, ep = globalThis, allowedOrigins = ["*"]) {',
        'function expose(obj, ep = globalThis) {',
      ],
      [
        `if (!isAllowedOrigin(allowedOrigins, ev.origin)) {
            console.warn(\`Invalid origin '\${ev.origin}' for comlink proxy\`);
            return;
        }`,
        '',
      ],
    ];
    for (const [from, to] of edits) {
      if (!code.includes(from)) this.error(`comlink-one-sided: "${from}" not found in ${id}`);
      code = code.replaceAll(from, to);
    }
    return { code, map: null };
  },
});

/**
 * The worker's copy of src/core/errors.ts without the cross-copy branding (`[Symbol.hasInstance]`
 * and the brand property): the worker's errors never leave it as objects (they cross to the page
 * as SerializedError and are re-created there as the page's classes), and every error the worker
 * tests with `instanceof` was made by its own single copy (its chunks import the entry's). A source
 * that no longer matches fails the build.
 */
const workerErrors = {
  name: 'worker-errors',
  transform(code, id) {
    if (!/[\\/]src[\\/]core[\\/]errors\.ts$/.test(id)) return null;
    const edits = [
      /\n {2}\/\*\* `instanceof` also recognises[^\n]*\n {2}static override \[Symbol\.hasInstance\][^]*?\n {2}\}\n/,
      /\n {4}Object\.defineProperty\(this, BRAND, \{ value: true \}\);/,
    ];
    for (const edit of edits) {
      if (!edit.test(code)) this.error(`worker-errors: ${edit} not found in ${id}`);
      code = code.replace(edit, '\n');
    }
    return { code, map: null };
  },
};

/**
 * The worker's copy of src/dsp/polyphase.ts without the equiripple branch: the worker's pipes
 * build every resampler with createDefaultResampler, whose designer never returns a table (Kaiser
 * designs only, src/dsp/resampler.ts), so the branch and its constants are dead there. A source
 * that no longer matches fails the build.
 */
const workerKaiser = {
  name: 'worker-kaiser',
  transform(code, id) {
    if (!/[\\/]src[\\/]dsp[\\/]polyphase\.ts$/.test(id)) return null;
    const edit =
      /\n {4}const equi =\n {6}this\.exact && up <= RUN_MAX_PHASES\n {8}\? equiripple\([^]*?\)\n {8}: null;/;
    if (!edit.test(code)) this.error(`worker-kaiser: ${edit} not found in ${id}`);
    return {
      code: code.replace(
        edit,
        '\n    const equi = null as { taps: number; table: Float64Array } | null;',
      ),
      map: null,
    };
  },
};

/**
 * Minified browser files: esbuild strips the types, terser minifies (it gzips ~1.5 KB smaller than
 * esbuild's minifier over the script-tag files) and shortens the provably internal property names
 * (scripts/internal-props.mjs: `private` members and the members of internal classes, used
 * nowhere else). No `toplevel`/`module` for the IIFE: its global `LiveAgent` must stay; the ES
 * outputs get `module: true` from the plugin. Three of terser's opt-in transforms (together
 * ~0.1 KB over the script-tag files), safe for this code: `unsafe_arrows` turns a function
 * expression that uses no `this` into an arrow (nothing calls one with `new` or reads its
 * `prototype`), `unsafe_methods` an object's function or `this`-free arrow value into a method (nor
 * these), and `pure_getters` lets it drop or move property reads (no getter here has effects).
 * Not `unsafe_comps`: it rewrites `!(x > 0)` as `x <= 0`, which lets NaN through the option checks.
 */
const internal = internalPropsRegex();
/**
 * One name cache per group of files that call into each other (the page: IIFE, deps and deps'
 * chunks; the worker and its chunks), filled in build order (rollup builds the configs one after
 * another; the plugin minifies chunks in turn when given a cache): an internal member gets the
 * same short name in each file of its group, so the IIFE may call into a class that
 * live-agent.deps.js built. Names already given out are never reused for another. Separate groups
 * keep the shortest names for each (one cache for all measured 0.1 KB larger).
 */
const caches = { page: {}, worker: {} };
const minifier = (group) =>
  terser({
    ecma: 2022,
    compress: {
      passes: 3,
      unsafe_arrows: true,
      unsafe_methods: true,
      pure_getters: true,
    },
    mangle: { properties: { regex: internal } },
    ...(group && { nameCache: caches[group] }),
  });
/**
 * `assignFields`: class fields become constructor assignments (TypeScript's
 * `useDefineForClassFields: false`), so a field that is only declared (`code;`, a constructor
 * parameter property) ships no declaration. TypeScript forbids a field that overrides an accessor,
 * and no code asks whether an instance owns a field before it is set, so instances behave the same.
 * Not for the worker: its classes initialise most fields, which assignments spell longer.
 */
const browser = (minify, { assignFields = false, group, side = 'page' } = {}) => [
  nodeResolve({ browser: true }),
  comlinkOneSided(side),
  esbuild({
    target: 'es2022',
    ...(assignFields && {
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    }),
  }),
  ...(minify ? [minifier(group)] : []),
];

/** Browser ESM entries: `live-agent`, `live-agent/element`, … (shared chunks sit beside them). */
const esm = {
  index: 'src/index.ts',
  element: 'src/element/index.ts',
  dsp: 'src/dsp/index.ts',
  testing: 'src/testing/index.ts',
  react: 'src/react/index.ts',
  vue: 'src/vue/index.ts',
};

/** The frameworks are the app's own copies (optional peers): never bundled. */
const frameworks = (id) => /^(react|react-dom|vue)(\/|$)/.test(id);

/** Self-contained files, found at run time beside the bundle that loads them: [input, file, format]. */
const standalone = [
  ['src/element/iife.ts', 'live-agent.iife.js', 'iife'],
  // Both audio processors in one module (one fetch, one addModule, shared code once).
  ['worklets/audio.worklet.ts', 'live-agent-audio.worklet.js', 'es'],
  // The video worker (JPEG encoding), started only while video is on.
  ['src/worker/video.worker.ts', 'live-agent-video-encoder.worker.js', 'es'],
];

/**
 * Files beside the IIFE whose rarely used parts are on-demand chunks (dynamic `import()`, same
 * origin, no blob:/eval): video and the ADK transport, so a voice conversation on the Gemini
 * wire downloads none of their code. [input, entry file, chunk suffix].
 */
const split = [
  // Transport + audio for the IIFE, imported on the first connect (keeps page load small).
  ['src/element/deps.ts', 'live-agent.deps.js', '.js'],
  ['src/worker/live.worker.ts', 'live-agent.worker.js', '.worker.js'],
];
/**
 * live-agent.deps.js reuses the IIFE's error classes (src/element/shared-errors.ts): one copy
 * shipped, and `instanceof` holds across the two files.
 */
const sharedErrors = {
  name: 'shared-errors',
  async resolveId(source, importer, options) {
    if (!/[\\/]errors(\.ts)?$/.test(source)) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved && /[\\/]src[\\/]core[\\/]errors\.ts$/.test(resolved.id)
      ? this.resolve('./src/element/shared-errors.ts', undefined, { skipSelf: true })
      : resolved;
  },
};
/** On-demand chunk names by the module they are built around. */
const chunkName = (chunk) => {
  const id = chunk.facadeModuleId ?? '';
  if (/[\\/]adk[\\/]/.test(id)) return 'adk';
  if (/video/.test(id)) return 'video';
  return chunk.name;
};

/** Node/edge entries: never bundled into browser code; their dependencies stay external. */
const node = {
  server: 'src/server/index.ts',
  emulator: 'src/emulator/index.ts',
  'emulator-cli': 'src/emulator/cli.ts',
};

export default [
  {
    input: esm,
    output: {
      dir: 'dist',
      format: 'es',
      // The chunk that defines the element gets a fixed prefix, so package.json's sideEffects can
      // name it: element.js may become a facade of it, and a bundler that trusts sideEffects would
      // drop an unnamed chunk's customElements.define under a bare `import 'live-agent/element'`.
      chunkFileNames: (chunk) =>
        chunk.moduleIds.some((id) => /[\\/]src[\\/]element[\\/]define\.ts$/.test(id))
          ? 'element-core-[hash].js'
          : '[name]-[hash].js',
      // Bundling drops module-level directives: Next.js needs this one on the React entry.
      banner: (chunk) => (chunk.isEntry && chunk.name === 'react' ? "'use client';" : ''),
    },
    external: frameworks,
    onwarn(warning, warn) {
      if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return; // re-added by the banner above
      warn(warning);
    },
    plugins: browser(false),
  },
  ...standalone.map(([input, file, format]) => ({
    input,
    output: { file: `dist/${file}`, format, name: 'LiveAgent', inlineDynamicImports: true },
    plugins: browser(true, { assignFields: true, group: format === 'iife' ? 'page' : undefined }),
  })),
  ...split.map(([input, file, suffix]) => ({
    input,
    // The chunks import shared code from the entry itself (already loaded): no third file.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: file,
      chunkFileNames: (chunk) => `live-agent-${chunkName(chunk)}${suffix}`,
    },
    plugins:
      input === 'src/element/deps.ts'
        ? [sharedErrors, ...browser(true, { assignFields: true, group: 'page' })]
        : [workerErrors, workerKaiser, ...browser(true, { group: 'worker', side: 'worker' })],
  })),
  {
    input: node,
    output: {
      dir: 'dist',
      format: 'es',
      chunkFileNames: 'node-[name]-[hash].js',
      banner: (chunk) => (chunk.name === 'emulator-cli' ? '#!/usr/bin/env node' : ''),
    },
    external: (id) => /^(node:|ws$|@google\/genai)/.test(id),
    plugins: [esbuild({ target: 'node20' })],
  },
];
