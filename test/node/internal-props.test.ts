/**
 * The names the build lets terser shorten (scripts/internal-props.mjs): TypeScript `private`
 * members, and any member of a class outside the public files, that never appear as anything but
 * their declaration and `x.name`. Run on a small source tree written for the test, then on the
 * real one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { internalProps } from '../../scripts/internal-props.mjs';

const root = mkdtempSync(join(tmpdir(), 'internal-props-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('internalProps', () => {
  // A public file (the session): only its private members may be shortened.
  write(
    'src/core/session.ts',
    `
// drainTimer is mentioned in a comment only: still internal
export class A {
  private drainTimer = 0;
  private keyed = 1;
  private wire = 2;
  private quoted = 3;
  private typed = 4;
  private ab = 5;
  private inWorklet = 6;
  private onServer = 7;
  private fromComlink = 8;
  constructor(private readonly host: { run(): void }) {}
  private tick(other: A): number {
    this.host.run();
    return this.drainTimer + other?.drainTimer + this.keyed + this.ab + this.tick(this);
  }
  json() {
    return { keyed: this.keyed, ['x']: this.wire, y: 'the quoted field', z: this.typed };
  }
}
export interface Frame { typed: number }
export const { wire } = { wire: 1 };
`,
  );
  // An internal class: its public members too, unless also named elsewhere (an interface here).
  write(
    'src/core/b.ts',
    `
export interface Listener { handleShared(): void }
export class B {
  handleInternal(): void {}
  handleShared(): void {}
  readonly count = 1;
  constructor(readonly param: number) {}
}
export const run = (b: B) => b.handleInternal() + b.count + b.param;
`,
  );
  // Local names never hold a member's name back; keys, exports and globals still do.
  write(
    'src/core/c.ts',
    `
declare global { var globalName: number }
export const exportedName = 1;
export class C {
  private scratch = 0;
  private shorthand = 0;
  private exportedName = 0;
  private globalName = 0;
  private destructured = 0;
  private renamed = 0;
  total(src: Record<string, number>, scratch = 1): unknown {
    const shorthand = scratch + this.scratch;
    const { destructured } = src;
    const { other: renamed } = src;
    const [globalName] = [renamed];
    return { shorthand, sum: destructured + globalName + this.shorthand + this.exportedName +
      this.globalName + this.destructured + this.renamed };
  }
}
`,
  );
  write('worklets/w.ts', `export const inWorklet = 1;`);
  // A worklet processor's methods are called by the audio engine: a public file.
  write('worklets/p.worklet.ts', `export class P { process(): boolean { return true; } }`);
  // Node-only folders never reach a browser file: what they do with a name does not matter.
  write('src/server/s.ts', `export const onServer = { onServer: 1, drainTimer: 2 };`);
  write('src/a.test.ts', `export const tick = 1;`);
  write('node_modules/comlink/dist/esm/comlink.mjs', `const fromComlink = 1;`);

  test('keeps only names used as a private or internal-class member, through a dot or as a local', () => {
    expect(internalProps(root)).toEqual([
      'count',
      'drainTimer',
      'handleInternal',
      'host',
      'onServer',
      'renamed',
      'scratch',
      'tick',
      'total',
    ]);
  });

  test('the real sources: wire, payload and public names are never on the list', () => {
    const names = internalProps();
    expect(names.length).toBeGreaterThan(50);
    for (const name of ['data', 'setupComplete', 'status', 'transcript', 'sendText', 'type'])
      expect(names, name).not.toContain(name);
    // Public classes: the session, the element (custom-element callbacks), worklet processors.
    for (const name of ['sendRealtimeText', 'videoSource', 'connectedCallback', 'process'])
      expect(names, name).not.toContain(name);
    // Internal classes: the session's managers.
    for (const name of ['handleToolCall', 'handleUserActivity'])
      expect(names, name).toContain(name);
  });
});
