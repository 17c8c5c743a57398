/**
 * Tests of the built artifact (run after `npm run build`): the exports map points at real files,
 * entries import through the package name (the size budget is in size.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  sideEffects: string[];
};

describe('exports map', () => {
  const targets = Object.entries(pkg.exports).flatMap(([entry, target]) =>
    typeof target === 'string'
      ? [[entry, target] as const]
      : Object.values(target).map((t) => [entry, t] as const),
  );
  test.each(targets)('%s → %s exists', (_entry, file) => {
    expect(existsSync(file), file).toBe(true);
  });
});

describe('sideEffects', () => {
  // Only the modules that register <live-agent> may keep a bare import alive in a consumer's
  // tree-shaking; workers and worklets are loaded by URL, never imported (the Vite app tests check
  // that a bare `import 'live-agent/element'` survives a consumer build).
  const files = (pattern: string) => {
    const glob = pattern.replace('./dist/', '').replace('.', '\\.').replace('*', '.*');
    return readdirSync('dist').filter((f) => new RegExp(`^${glob}$`).test(f));
  };
  test('lists exactly the files that define the element, each matching one built file', () => {
    expect([...pkg.sideEffects].sort()).toEqual([
      './dist/element-core-*.js',
      './dist/element.js',
      './dist/live-agent.iife.js',
    ]);
    for (const pattern of pkg.sideEffects) expect(files(pattern), pattern).toHaveLength(1);
    const defines = readdirSync('dist').filter(
      (f) =>
        f.endsWith('.js') && /customElements\.define\(/.test(readFileSync(`dist/${f}`, 'utf8')),
    );
    expect(defines.length).toBeGreaterThan(0);
    expect(defines.every((f) => pkg.sideEffects.some((p) => files(p).includes(f)))).toBe(true);
  });
});

/** Runs ESM code in a fresh Node process, where `live-agent/…` resolves through the exports map. */
function nodeEval(code: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('live-agent/dsp through the package name', () => {
  test('resamples 48 kHz → 16 kHz with the right length and level', () => {
    const result = nodeEval(`
      import { createResampler } from 'live-agent/dsp';
      const r = createResampler(48000, 16000);
      const input = Float32Array.from({ length: 48000 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 48000));
      const a = r.process(input), b = r.flush();
      const mid = a.subarray(4000, 12000);
      const rms = Math.sqrt(mid.reduce((s, v) => s + v * v, 0) / mid.length);
      console.log(JSON.stringify({ total: a.length + b.length, rms }));
    `) as { total: number; rms: number };
    expect(result.total).toBeGreaterThanOrEqual(15990);
    expect(result.total).toBeLessThanOrEqual(16010);
    expect(result.rms).toBeCloseTo(Math.SQRT1_2, 2);
  });
});

describe('live-agent/react and live-agent/vue in Node (server rendering)', () => {
  // A fresh process with no window: importing must not touch the DOM, rendering must show
  // `idle`, fetch nothing, and leave no handle behind (execFileSync returns only once it exits).
  const NO_FETCH = `globalThis.fetch = () => { throw new Error('fetched during render'); };`;

  test('they export exactly the names the contract gives', () => {
    const names = nodeEval(`
      const react = await import('live-agent/react');
      const vue = await import('live-agent/vue');
      console.log(JSON.stringify({ react: Object.keys(react).sort(), vue: Object.keys(vue).sort(), window: typeof window }));
    `);
    const contract = ['LiveAgent', 'subscribeLevels', 'useLiveAgent', 'useLiveAgentLevels'];
    expect(names).toEqual({ react: contract, vue: contract, window: 'undefined' });
  });

  test('react-dom/server renders the hook and <LiveAgent>: idle, nothing fetched', () => {
    const out = nodeEval(`
      ${NO_FETCH}
      import { createElement as h } from 'react';
      import { renderToString } from 'react-dom/server';
      import { useLiveAgent, useLiveAgentLevels, LiveAgent } from 'live-agent/react';
      function App() {
        const agent = useLiveAgent({ token: { url: '/api/live-token' } });
        const { input } = useLiveAgentLevels(agent);
        return h('main', null, h('p', null, agent.status + ':' + agent.transcript.length + ':' + input),
          h(LiveAgent, { tokenUrl: '/api/live-token', autoConnect: true }));
      }
      console.log(JSON.stringify(renderToString(h(App))));
    `);
    expect(out).toBe(
      '<main><p>idle:0:0</p><live-agent token-url="/api/live-token"></live-agent></main>',
    );
  });

  test('vue/server-renderer renders the composable and LiveAgent: idle, nothing fetched', () => {
    const out = nodeEval(`
      ${NO_FETCH}
      import { createSSRApp, h } from 'vue';
      import { renderToString } from 'vue/server-renderer';
      import { useLiveAgent, useLiveAgentLevels, LiveAgent } from 'live-agent/vue';
      const app = createSSRApp({
        setup() {
          const agent = useLiveAgent({ token: { url: '/api/live-token' } });
          const { input } = useLiveAgentLevels(agent);
          return () => h('main', [h('p', agent.status.value + ':' + agent.transcript.value.length + ':' + input.value),
            h(LiveAgent, { tokenUrl: '/api/live-token' })]);
        },
      });
      console.log(JSON.stringify(await renderToString(app)));
    `);
    expect(out).toBe(
      '<main><p>idle:0:0</p><live-agent token-url="/api/live-token"></live-agent></main>',
    );
  });
});
