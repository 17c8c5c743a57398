/**
 * The layering is enforced by lint (eslint.config.js): a deliberate bad import inside each layer
 * must fail, and an allowed one beside it must pass, so a loosened rule cannot go unnoticed.
 * ESLint lints the source text as if it were a file at that path inside the layer.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** Messages of no-restricted-imports for `source` linted as `filePath`. */
async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

const bad: [string, string][] = [
  ['src/core/__probe.ts', "import { x } from '../transport/codec.ts';"],
  ['src/core/__probe.ts', "import { x } from '../testing/index.ts';"],
  ['src/worker/__probe.ts', "import { x } from '../audio/index.ts';"],
  ['src/worker/__probe.ts', "import { x } from '../core/session.ts';"],
  ['src/worker/__probe.ts', "import { x } from '../core/connector.ts';"],
  ['src/transport/__probe.ts', "import { x } from '../testing/fake-transport.ts';"],
  ['src/transport/__probe.ts', "import { x } from '../audio/index.ts';"],
  ['src/element/__probe.ts', "import { x } from '../testing/index.ts';"],
  ['src/element/__probe.ts', "import { x } from '../worker/api.ts';"],
  ['src/audio/__probe.ts', "import { x } from '../transport/worker-transport.ts';"],
  ['src/index.ts', "import { x } from './element/index.ts';"],
  ['src/index.ts', "import { x } from './testing/index.ts';"],
  ['src/react/__probe.ts', "import { x } from '../worker/api.ts';"],
  ['src/react/__probe.ts', "import { x } from '../core/session.ts';"],
  ['src/vue/__probe.ts', "import { x } from '../audio/index.ts';"],
  ['src/vue/__probe.ts', "import { x } from '../transport/codec.ts';"],
  ['src/video/__probe.ts', "import { x } from '../worker/api.ts';"],
  ['src/testing/__probe.ts', "import { x } from '../element/index.ts';"],
  ['src/server/__probe.ts', "import { x } from '../audio/index.ts';"],
  ['src/dsp/__probe.ts', "import { x } from '../core/errors.ts';"],
  ['worklets/__probe.ts', "import { x } from '../src/core/errors.ts';"],
];

const good: [string, string][] = [
  ['src/worker/__probe.ts', "import { x } from '../core/errors.ts';"],
  ['src/worker/__probe.ts', "import type { x } from '../core/session.ts';"],
  ['src/audio/__probe.ts', "import { x } from '../transport/assets.ts';"],
  ['src/react/__probe.ts', "import { x } from '../index.ts';"],
  ['src/vue/__probe.ts', "import { x } from '../element/index.ts';"],
  ['src/testing/__probe.ts', "import { x } from '../transport/codec.ts';"],
  ['src/index.ts', "import { x } from './core/session.ts';"],
];

describe('lint layering', () => {
  it.each(bad)('%s: %s fails lint', async (file, source) => {
    expect(await layerErrors(file, source)).toHaveLength(1);
  });

  it.each(good)('%s: %s passes', async (file, source) => {
    expect(await layerErrors(file, source)).toEqual([]);
  });
});
