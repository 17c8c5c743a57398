/**
 * CPU time of a whole Chromium process tree from /proc (Linux only): utime + stime of every
 * descendant of the browser process, per process type (`--type=` of its command line) and, inside
 * the renderer, per thread (by its `comm` name), so the cost lands on the thread that spent it.
 * Firefox's tree works the same way: its child processes say `-contentproc … <type>`.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ, 100 on Linux). */
const HZ = 100;

/** CPU seconds by bucket ("renderer main", "compositor", "GPU process", …) and their total. */
export type CpuSample = Map<string, number>;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process or thread exited meanwhile
  }
}

/** utime + stime (s) and ppid from a /proc stat line; the name may hold spaces and parens. */
function parseStat(stat: string): { ppid: number; cpu: number } {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { ppid: Number(rest[1]), cpu: (Number(rest[11]) + Number(rest[12])) / HZ };
}

/** The pid of the process whose command line contains `tag` (the browser we launched). */
export function findProcess(tag: string): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const cmd = read(`/proc/${d}/cmdline`);
    if (cmd?.includes(tag) && !cmd.includes('--type=')) return Number(d);
  }
  return undefined;
}

/** The pid of a child of `parent` whose command line passes `match` (Firefox has no tag). */
export function findChild(parent: number, match: (cmdline: string) => boolean): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = read(`/proc/${d}/stat`);
    const cmd = read(`/proc/${d}/cmdline`)?.replaceAll('\0', ' ');
    if (stat && cmd && parseStat(stat).ppid === parent && match(cmd)) return Number(d);
  }
  return undefined;
}

function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = read(`/proc/${d}/stat`);
    if (stat) parent.set(Number(d), parseStat(stat).ppid);
  }
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent)
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
  }
  return [...tree];
}

/** The bucket of a process, from its command line. */
function processKind(cmdline: string): string {
  // Firefox: `firefox-esr -contentproc … tab` (the last word is the process type).
  if (cmdline.includes('-contentproc')) {
    const type = cmdline.trim().split(' ').pop();
    return type === 'tab' ? 'content process' : `${type} process`;
  }
  const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
  if (!type) return 'browser process';
  if (type === 'gpu-process') return 'GPU process';
  if (type === 'renderer') return 'renderer';
  if (type === 'utility') {
    if (cmdline.includes('AudioService')) return 'audio service';
    if (cmdline.includes('NetworkService')) return 'network service';
    return 'utility';
  }
  return type;
}

/** The bucket of a renderer thread, from its (15-character) name. */
function rendererThread(comm: string, isMain: boolean): string {
  if (isMain) return 'renderer main';
  if (comm.startsWith('Compositor')) return 'compositor';
  if (comm.startsWith('DedicatedWorker')) return 'worker';
  if (/^(AudioWorklet|Realtime|AudioOutput)/.test(comm)) return 'audio thread';
  return 'renderer other';
}

/** CPU seconds spent so far by the tree under `root`, by bucket; `total` is their sum. */
export function sampleCpu(root: number): CpuSample {
  const out: CpuSample = new Map();
  const add = (k: string, s: number) => out.set(k, (out.get(k) ?? 0) + s);
  for (const pid of descendants(root)) {
    const stat = read(`/proc/${pid}/stat`);
    const cmd = read(`/proc/${pid}/cmdline`);
    if (!stat || cmd === undefined) continue;
    const kind = processKind(cmd.replaceAll('\0', ' '));
    const whole = parseStat(stat).cpu; // includes threads that already exited
    add('total', whole);
    if (kind !== 'renderer') {
      add(kind, whole);
      continue;
    }
    let threads = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`, { withFileTypes: false }) as string[]) {
      const tstat = read(`/proc/${pid}/task/${tid}/stat`);
      const comm = read(`/proc/${pid}/task/${tid}/comm`)?.trim() ?? '';
      if (!tstat) continue;
      const cpu = parseStat(tstat).cpu;
      threads += cpu;
      add(rendererThread(comm, Number(tid) === pid), cpu);
    }
    add('renderer other', Math.max(0, whole - threads)); // threads that exited
  }
  return out;
}

/** Thread names and CPU of every renderer thread (to check the bucket rules). */
export function rendererThreads(root: number): { pid: number; comm: string; cpu: number }[] {
  const rows: { pid: number; comm: string; cpu: number }[] = [];
  for (const pid of descendants(root)) {
    const cmd = read(`/proc/${pid}/cmdline`) ?? '';
    if (!cmd.includes('--type=renderer')) continue;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const tstat = read(`/proc/${pid}/task/${tid}/stat`);
      if (tstat)
        rows.push({
          pid,
          comm: read(`/proc/${pid}/task/${tid}/comm`)?.trim() ?? '',
          cpu: parseStat(tstat).cpu,
        });
    }
  }
  return rows;
}

/** `after − before` per bucket. */
export function diffCpu(before: CpuSample, after: CpuSample): CpuSample {
  const out: CpuSample = new Map();
  for (const [k, v] of after) out.set(k, v - (before.get(k) ?? 0));
  return out;
}
