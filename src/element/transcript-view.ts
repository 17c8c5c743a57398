/**
 * Renders transcript turns into the caption log. Model and ASR text is untrusted: it only ever
 * becomes a text node (`textContent`), never markup. Turns are keyed by id and updated in place.
 *
 * Cost: a conversation updates the transcript several times a second (each partial caption), so
 * an update touches only what changed: the turns before the first changed one are skipped by
 * identity (snapshots share unchanged turn objects), a partial is one text-node write, and
 * nothing here reads layout. Whether the reader is at the bottom is tracked from scroll events.
 * Following new text reads the log's size only after the browser's own layout: the rows that
 * changed are handed to a ResizeObserver, whose callback runs once layout is done (reading
 * sizes there is free; a read in an animation-frame callback would force that layout early).
 */
import type { TranscriptTurn } from '../core/types.ts';

interface Row {
  el: HTMLElement;
  text: Text;
  /** The words that mark a cut-off turn, attached only while the turn is interrupted. */
  mark: HTMLElement;
  turn: TranscriptTurn;
}

/** Keeps the `<div role="log">` in sync with the snapshot's transcript. */
export class TranscriptView {
  private readonly rows = new Map<string, Row>();
  private last: readonly TranscriptTurn[] = [];
  /** The reader is at the bottom (or nothing overflows): new text scrolls into view. */
  private follow = true;
  /** Sees the changed rows laid out, then scrolls (undefined where there is no ResizeObserver). */
  private readonly laidOut: ResizeObserver | undefined;

  constructor(private readonly log: HTMLElement) {
    const RO = log.ownerDocument.defaultView?.ResizeObserver;
    this.laidOut =
      RO &&
      new RO((entries, observer) => {
        // One look per change: a new observation reports once, after the next layout.
        for (const e of entries) observer.unobserve(e.target);
        if (log.scrollTop + log.clientHeight < log.scrollHeight) log.scrollTop = log.scrollHeight;
      });
    log.addEventListener(
      'scroll',
      () => {
        // Follow new text only when the reader is already at the bottom (do not yank them back).
        this.follow = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
      },
      { passive: true },
    );
  }

  /** Applies a transcript; cheap when the array or a turn object did not change. */
  update(turns: readonly TranscriptTurn[]): void {
    if (turns === this.last) return;
    const last = this.last;
    this.last = turns;
    // Unchanged leading turns are the same objects, already in place.
    let from = 0;
    while (from < turns.length && from < last.length && turns[from] === last[from]) from++;
    const log = this.log;
    const seen = new Set<string>();
    let prev: HTMLElement | null = from > 0 ? this.rows.get(turns[from - 1]!.id)!.el : null;
    // Observed after the loop, so a row is only measured once it is in the log.
    const changed: HTMLElement[] = [];
    for (let i = from; i < turns.length; i++) {
      const turn = turns[i]!;
      seen.add(turn.id);
      let row = this.rows.get(turn.id);
      if (!row) {
        row = this.create(turn);
        this.rows.set(turn.id, row);
        changed.push(row.el);
      } else if (row.turn !== turn) {
        this.patch(row, turn);
        changed.push(row.el);
      }
      let want: ChildNode | null = prev ? prev.nextSibling : log.firstChild;
      // Other views' lines (agent-view.ts: server tools) stay where they were put.
      while (want && want !== row.el && !(want as HTMLElement).dataset?.['role'])
        want = want.nextSibling;
      if (want !== row.el) log.insertBefore(row.el, want);
      prev = row.el;
    }
    for (let i = from; i < last.length; i++) {
      const id = last[i]!.id;
      const row = this.rows.get(id);
      if (row && !seen.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
    if (this.follow) for (const el of changed) this.laidOut?.observe(el);
  }

  private create(turn: TranscriptTurn): Row {
    const doc = this.log.ownerDocument;
    const el = doc.createElement('p');
    el.className = 't';
    el.setAttribute('part', `turn turn-${turn.role}`);
    el.dataset.role = turn.role;
    const who = doc.createElement('span');
    who.className = 'sr';
    who.textContent = turn.role === 'user' ? 'You: ' : 'Agent: ';
    const text = doc.createTextNode('');
    el.append(who, text);
    const mark = doc.createElement('span');
    mark.className = 'int';
    const row = { el, text, mark, turn };
    this.patch(row, turn);
    return row;
  }

  private patch(row: Row, turn: TranscriptTurn): void {
    row.turn = turn;
    if (row.text.data !== turn.text) row.text.data = turn.text;
    set(row.el, 'final', String(turn.final));
    set(row.el, 'interrupted', String(turn.interrupted));
    if (turn.interrupted) {
      // Said in words (a dash alone read as part of the reply): who cut it off, and when.
      const words =
        turn.role === 'model'
          ? turn.text.trim()
            ? 'interrupted'
            : 'interrupted before it said anything'
          : 'cut off';
      if (row.mark.textContent !== words) row.mark.textContent = words;
      if (!row.mark.isConnected) row.el.append(row.mark);
    } else if (row.mark.isConnected) {
      row.mark.remove();
    }
  }
}

/** Writes a data attribute only when it changes (an attribute write invalidates style). */
function set(el: HTMLElement, key: string, value: string): void {
  if (el.dataset[key] !== value) el.dataset[key] = value;
}
