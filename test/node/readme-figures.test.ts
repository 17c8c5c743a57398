/**
 * Every number in the README is produced by a test or a bench, or is a constant of the code it
 * describes: it sits in a `<!--KIND:PRODUCER#KEY-->VALUE<!--/-->` marker (scripts/readme-figures.ts
 * says what each kind means). Here: each marker's producer exists (and a code constant matches
 * its source), and no number is left in the prose or tables outside a marker, short of the
 * allow-list below (versions, ports, protocol codes and rates, names that contain digits).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  figuresIn,
  formatLike,
  MARKER,
  overclaims,
  README,
  ROOT,
} from '../../scripts/readme-figures.ts';

const readme = readFileSync(README, 'utf8');
const figures = figuresIn(readme);
const source = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');
/** `'KEY'`, `"KEY"` or `` `KEY` `` as a string literal, or `KEY:` as an object key, in the source. */
const namesKey = (code: string, key: string) =>
  [`'${key}'`, `"${key}"`, `\`${key}\``].some((q) => code.includes(q)) ||
  new RegExp(`[{,\\s]${key.replace(/[.*]/g, '\\$&')}:`).test(code);

/**
 * Numbers that are not claims: each pattern says why. Anything else needs a marker.
 * Keep this short: a measured or promised figure never belongs here.
 */
export const ALLOWED: [RegExp, string][] = [
  [
    /\b(?:Node|Python|React|Vue|ADK|Chromium|Firefox(?: ESR)?|WebKitGTK|@google\/genai`?) (?:≥ |≤ )?\d+(?:\.\d+)*(?:\.x)?\b/g,
    'versions',
  ],
  [
    /\b(?:ADK )?\d\.\d+\/\d\.\d+\b|\b\d\.x\b|\b1\.18\b|\b2\.13\b|\b3\.3\.0\b|\b1\.30\b|\b20\.19\b/g,
    'versions',
  ],
  [/127\.0\.0\.1(?::\d+)?|\b(?:8080|3000|9000)\b/g, 'hosts and ports'],
  [
    /\b(?:1000|1001|1002|1006|1007|1008|1011)\b(?! ?(?:ms|s|KB|kB|px|frames)\b)/g,
    'WebSocket close codes',
  ],
  [
    /\b(?:400|401|403|405|409|413|429|431|502|503)\b(?! ?(?:ms|s|KB|kB|px|frames)\b)|\bnon-2xx\b/g,
    'HTTP status codes',
  ],
  [/\(≥ \d+(?:\.\d+)?\)|\b(?:18|19)\b(?=\))|\bReact 18\b/g, 'peer dependency versions'],
  [
    /≈ 15 min audio-only, ≈ 2 min with video|about 2 minutes|about 258 tokens per frame|roughly 15 000 tokens|under 4 KB|\b1 kHz tone|\b150 Hz hum|seen \d+ frames\. I see a \d+×\d+ image/g,
    "facts of other systems (the service, Vite, the engines' fake microphones)",
  ],
  [/\b2× stage|\b7\/16 of|\(RMS, 0–1\)/g, 'design terms, not figures'],
  [/\bp(?:50|95|99)\b/g, 'percentile names'],
  [/\b(?:16|24|48|44\.1) ?kHz\b|\b(?:48|24|44\.1)k\b|\b16k\b/g, 'the wire and device sample rates'],
  [/\b20 ms (?:frames|mic frames|PCM)|\b20 ms\b(?= frames)/g, 'the wire frame length'],
  [
    /\bV8\b|\bHMAC-SHA256\b|\bBCP-47\b|\bPCM16\b|\bgzip -9\b|\b1 KB = 1024 bytes\b|\bbase64\b/g,
    'names with digits',
  ],
  [
    /\b[\w-]*\d+[\w-]*\.(?:js|ts|json|md)\b|\bgemini-[\w.-]+\b|\bSINC_\w+\b/g,
    'file and model names',
  ],
  [/^#{2,4} \d[a-c]?\./gm, 'section numbers'],
  [
    /\b(?:1|2|3|4|5)(?:st|nd|rd|th)?\b(?= (?:engines?|projects?|tsconfigs?|browsers?))/g,
    'counts of things in the repository',
  ],
  [/\b(?:one|two|three)\b/g, 'words, not figures'],
];

/**
 * `##` sections whose figures are not in markers yet (being rewritten in parallel when the marker
 * check landed): convert them and drop them from this list; the test below fails once one is
 * clean, so the list only shrinks.
 */
const PENDING: string[] = [];

/** [title, text] of each `##` section (the text before the first one is titled ''). */
function sections(text: string): [string, string][] {
  return text.split(/^(?=## )/m).map((part) => {
    const title = /^## (.*)/.exec(part)?.[1] ?? '';
    return [title, part] as [string, string];
  });
}

function unmarkedNumbers(text: string): string[] {
  let prose = text
    .replace(/^```[\s\S]*?^```/gm, '') // code blocks are checked as files (readme.test.ts)
    .replace(MARKER, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/`[^`]*`/g, ' ') // inline code (may wrap): option names, literals the code defines
    .replace(/\]\([^)]*\)/g, ']') // link targets
    .replace(/https?:\/\/\S+/g, ' ');
  for (const [re] of ALLOWED) prose = prose.replace(re, ' ');
  const found: string[] = [];
  for (const line of prose.split('\n'))
    for (const m of line.matchAll(/\d+(?:[.,]\d+)*/g))
      found.push(`${m[0]}  in: ${line.trim().slice(0, 100)}`);
  return found;
}

describe('README figures', () => {
  it('has markers, each with a number', () => {
    expect(figures.length).toBeGreaterThan(20);
    for (const f of figures) expect(Number.isFinite(f.value), f.text).toBe(true);
  });

  it('every bench figure names a bench that reports its key', () => {
    for (const f of figures.filter((x) => x.kind === 'bench')) {
      const file = `bench/${f.producer}.bench.ts`;
      expect(existsSync(`${ROOT}${file}`), file).toBe(true);
      // A range's -min/-max come with its median's key; a per-engine figure (`chromium-KEY`) is
      // written as `${engine}-KEY` by a bench that runs several engines.
      const key = f.key.replace(/-(?:min|max)$/, '').replace(/^(?:chromium|firefox|webkit)-/, '');
      expect(namesKey(source(file), key), `${file} reports "${key}"`).toBe(true);
    }
  });

  it('every test figure names a test file that reads it', () => {
    for (const f of figures.filter((x) => x.kind === 'test')) {
      const file = `test/${f.producer}.test.ts`;
      expect(existsSync(`${ROOT}${file}`), file).toBe(true);
      const code = source(file);
      expect(code, `${file} reads README figures`).toMatch(/readmeFigure|figureIn/);
      expect(namesKey(code, f.key), `${file} asserts "${f.key}"`).toBe(true);
    }
  });

  it('every code figure is the constant on the line of its source that names it', () => {
    for (const f of figures.filter((x) => x.kind === 'code')) {
      const [name, times] = f.key.split('*') as [string, string | undefined];
      const want = f.value * Number(times ?? 1);
      const lines = source(f.producer)
        .split('\n')
        .filter((l) => l.includes(name));
      const literals = lines.flatMap((l) =>
        [...l.replace(/(\d)_(?=\d)/g, '$1').matchAll(/(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?/g)].map(
          (m) => Number(m[0]),
        ),
      );
      expect(
        literals.some((n) => Math.abs(n - want) <= Math.abs(want) * 1e-9),
        `${f.producer}: a line naming ${name} holds ${want}`,
      ).toBe(true);
    }
  });

  it('every "was" figure names a commit of this repository', () => {
    const was = figures.filter((x) => x.kind === 'was');
    for (const f of was) expect(f.producer).toMatch(/^[0-9a-f]{7,40}$/);
    const shallow = execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: ROOT })
      .toString()
      .trim();
    if (shallow === 'true') return; // a shallow CI clone lacks the history, not the commit
    for (const f of was)
      expect(() =>
        execFileSync('git', ['cat-file', '-e', `${f.producer}^{commit}`], { cwd: ROOT }),
      ).not.toThrow();
  });

  it('no number in the prose or tables is outside a marker (or the allow-list)', () => {
    const found = sections(readme)
      .filter(([title]) => !PENDING.includes(title))
      .flatMap(([title, text]) => unmarkedNumbers(text).map((n) => `${title}: ${n}`));
    expect(found).toEqual([]);
  });

  it('each section still pending conversion exists and still has unmarked numbers', () => {
    const all = new Map(sections(readme));
    for (const title of PENDING) {
      expect(all.has(title), title).toBe(true);
      expect(unmarkedNumbers(all.get(title)!).length, title).toBeGreaterThan(0);
    }
  });

  it('the check finds an unmarked figure and accepts a marked one', () => {
    expect(unmarkedNumbers('It streams 48k→16k about 3.5× as fast.')).toHaveLength(1);
    expect(
      unmarkedNumbers('It streams 48k→16k about <!--bench:resampler#x-->3.5<!--/-->× as fast.'),
    ).toEqual([]);
  });

  it('a bench figure fails when the README claims better than measured, and rounds modestly', () => {
    const snr = { value: 100.4, better: 'higher', tolerance: 0.01 } as const;
    expect(overclaims('100', snr)).toBe(false);
    expect(overclaims('101', snr)).toBe(false); // within 1 % + rounding
    expect(overclaims('105', snr)).toBe(true);
    const ripple = { value: 0.0349, better: 'lower', tolerance: 0.01 } as const;
    expect(overclaims('0.035', ripple)).toBe(false);
    expect(overclaims('0.030', ripple)).toBe(true);
    expect(formatLike('93', { value: 93.55, better: 'higher' })).toBe('93');
    expect(formatLike('0.035', { value: 0.03412, better: 'lower' })).toBe('0.035');
    expect(formatLike('4,153', { value: 4810, better: 'lower' })).toBe('4,810');
  });
});
