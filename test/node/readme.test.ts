/**
 * The README's quick starts and facts are the repository's own: every code block marked
 * `<!-- file:PATH -->` is that file verbatim (the package test runs those files), and the Node
 * requirement, ports and bench names it states match the sources they describe. Figures (sizes,
 * defaults, measurements) sit in markers checked by readme-figures.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('README quick starts', () => {
  const blocks = [...readme.matchAll(/<!-- file:(\S+) -->\n```\w*\n([\s\S]*?)\n```/g)];

  it('shows both examples in full', () => {
    expect(blocks.map((m) => m[1])).toEqual([
      'examples/script-tag/server.js',
      'examples/script-tag/index.html',
      'examples/session-api/index.html',
      'examples/session-api/app.js',
    ]);
  });

  it.each(blocks.map((m) => [m[1]!, m[2]!]))('%s is verbatim', (path, block) => {
    expect(block).toBe(read(path).replace(/\n$/, ''));
  });
});

describe('README facts', () => {
  it('Node requirement = package.json engines; the genai pin and its engines as stated', () => {
    const min = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)![1];
    expect(readme).toContain(`**Node ${min} or later**`);
    const genai = pkg.devDependencies['@google/genai']!;
    const engines = (
      JSON.parse(read('node_modules/@google/genai/package.json')) as { engines: { node: string } }
    ).engines.node;
    const major = /^>=(\d+)/.exec(engines)![1];
    expect(readme).toContain(`\`@google/genai\` ${genai}, which declares Node ≥ ${major}`);
    const peer = (JSON.parse(read('package.json')) as { peerDependencies: Record<string, string> })
      .peerDependencies['@google/genai']!;
    expect(peer).toBe('>=1.30.0');
    expect(readme).toContain('accepts `@google/genai` ≥ 1.30 (its peer range)');
  });

  it('ports: the demo 8080, the examples 3000', () => {
    expect(read('demo/server.ts')).toContain("default: process.env.PORT ?? '8080'");
    expect(readme).toContain('http://127.0.0.1:8080/');
    expect(read('examples/script-tag/server.js')).toContain('Number(process.env.PORT ?? 3000)');
    expect(readme).toContain('http://127.0.0.1:3000/ (PORT=… to change)');
  });

  it('names every benchmark there is', () => {
    const benches = readdirSync(new URL('bench/', root))
      .filter((f) => f.endsWith('.bench.ts'))
      .map((f) => f.replace('.bench.ts', ''));
    for (const name of benches) expect(readme).toContain(`- \`${name}\``);
  });
});
