/**
 * Renders transcript turns into the caption log. Model and ASR text is untrusted: it only ever
 * becomes a text node (`textContent`), never markup. Turns are keyed by id and updated in place.
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

  constructor(private readonly log: HTMLElement) {}

  /** Applies a transcript; cheap when the array or a turn object did not change. */
  update(turns: readonly TranscriptTurn[]): void {
    if (turns === this.last) return;
    this.last = turns;
    const log = this.log;
    // Follow new text only when the reader is already at the bottom (do not yank them back).
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    const seen = new Set<string>();
    let prev: HTMLElement | null = null;
    for (const turn of turns) {
      seen.add(turn.id);
      let row = this.rows.get(turn.id);
      if (!row) {
        row = this.create(turn);
        this.rows.set(turn.id, row);
      } else if (row.turn !== turn) {
        this.patch(row, turn);
      }
      let want: ChildNode | null = prev ? prev.nextSibling : log.firstChild;
      // Other views' lines (agent-view.ts: server tools) stay where they were put.
      while (want && want !== row.el && !(want as HTMLElement).dataset?.['role'])
        want = want.nextSibling;
      if (want !== row.el) log.insertBefore(row.el, want);
      prev = row.el;
    }
    for (const [id, row] of this.rows) {
      if (!seen.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
    if (atBottom) log.scrollTop = log.scrollHeight;
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
    row.el.dataset.final = String(turn.final);
    row.el.dataset.interrupted = String(turn.interrupted);
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
    } else {
      row.mark.remove();
    }
  }
}
