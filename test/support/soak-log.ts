/**
 * What the soak's sockets were given and how each closed, to explain a lost frame: the worker's
 * WebSocket (`LoggedSocket`) reports on a BroadcastChannel when it closes, and the page
 * (`socketLog`) says, for each missing frame, which sockets were given it, how they closed and
 * how long before the close was seen. Frame n carries n in every sample (soak.worker.ts).
 */
const CHANNEL = 'soak-socket-log';
/** Frames kept per socket (20 s): the newest ones, where a close loses audio. */
const KEEP = 1000;
const now = () => performance.timeOrigin + performance.now();

interface SocketReport {
  id: number;
  /** [frame number, when sent] */
  sent: [number, number][];
  code: number;
  clean: boolean;
  buffered: number;
  closedAt: number;
}

let sockets = 0;

/** The browser's WebSocket, reporting the frames it was given when it closes. */
export class LoggedSocket extends WebSocket {
  private readonly sent: [number, number][] = [];
  constructor(url: string) {
    super(url);
    const id = ++sockets;
    this.addEventListener('close', (e) => {
      const report: SocketReport = {
        id,
        sent: this.sent,
        code: e.code,
        clean: e.wasClean,
        buffered: this.bufferedAmount,
        closedAt: now(),
      };
      const channel = new BroadcastChannel(CHANNEL);
      channel.postMessage(report);
      channel.close();
    });
  }

  override send(data: string): void {
    super.send(data);
    // The frame number: the first sample of the base64 PCM (little-endian).
    const match = /"data":"([^"]{4})/.exec(data);
    if (!match) return;
    const bytes = atob(match[1]!);
    this.sent.push([bytes.charCodeAt(0) | (bytes.charCodeAt(1) << 8), now()]);
    if (this.sent.length > KEEP) this.sent.shift();
  }
}

/** Collects the sockets' reports on the page; `explain` describes missing frames. */
export function socketLog() {
  const reports: SocketReport[] = [];
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e: MessageEvent<SocketReport>) => reports.push(e.data);
  return {
    close: () => channel.close(),
    explain(missing: number[]): string {
      return missing
        .map((n) => {
          const given = reports.flatMap((r) =>
            r.sent
              .filter(([m]) => m === n)
              .map(
                ([, at]) =>
                  `socket ${r.id} (${r.code}${r.clean ? '' : ' dirty'}, bufferedAmount ` +
                  `${r.buffered}) at ${Math.round(at)}, ${Math.round(r.closedAt - at)} ms before ` +
                  `its close was seen`,
              ),
          );
          return `frame ${n}: ${given.length ? given.join('; ') : 'given to no socket'}`;
        })
        .concat(reports.map(describe))
        .join('\n');
    },
  };
}

/**
 * One socket's frames and close, in the page's clock: whether a successor was given frames before
 * this close was seen (a switch racing the server's close) or nothing was sent meanwhile (a
 * starved worker) tells the two ways a close loses audio apart.
 */
function describe(r: SocketReport): string {
  const first = r.sent[0];
  const last = r.sent.at(-1);
  const span =
    first && last
      ? `frames ${first[0]}–${last[0]} sent ${Math.round(first[1])}–${Math.round(last[1])}`
      : 'no frames';
  return `socket ${r.id}: ${span}, closed ${r.code}${r.clean ? '' : ' dirty'} seen at ${Math.round(r.closedAt)}`;
}
