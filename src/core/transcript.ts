/**
 * Transcript store: merges input/output transcription fragments and model text parts into turns.
 * A user turn is final when the model starts answering, on `finished: true` or on turnComplete;
 * a model turn is final on turnComplete or interrupted. Text is untrusted: stored, never parsed.
 */
import type { TranscriptTurn } from './types.ts';

/** Receives every added or updated turn (frozen) and the whole list after the change. */
export type TranscriptListener = (
  turn: TranscriptTurn,
  transcript: readonly TranscriptTurn[],
) => void;

/** Bound on stored turns, so a day-long session cannot grow memory without limit. */
const MAX_TURNS = 500;

/** Ordered, immutable list of turns built from server fragments. */
export class TranscriptStore {
  private list: readonly TranscriptTurn[] = Object.freeze([]);
  private nextId = 1;
  private openUser: string | null = null;
  private openModel: string | null = null;

  constructor(
    private readonly onChange: TranscriptListener,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current list (a new frozen array after each change). */
  get turns(): readonly TranscriptTurn[] {
    return this.list;
  }

  /** True while a model turn is being written. */
  get modelTurnOpen(): boolean {
    return this.openModel !== null;
  }

  /** The id of the model turn being written, or null. */
  get openModelTurnId(): string | null {
    return this.openModel;
  }

  /** True while a user turn is being transcribed. */
  get userTurnOpen(): boolean {
    return this.openUser !== null;
  }

  /** `serverContent.inputTranscription`: user speech. */
  handleInput(text: string | undefined, finished: boolean | undefined): void {
    if (text) {
      if (this.openUser === null) this.openUser = this.add('user', text);
      else this.append(this.openUser, text);
    }
    if (finished) this.finalizeUser();
  }

  /** `serverContent.outputTranscription` or a model `text` part; returns the turn it wrote to. */
  handleModelText(text: string | undefined, finished?: boolean): string | null {
    let id: string | null = null;
    if (text) {
      this.finalizeUser();
      if (this.openModel === null) this.openModel = this.add('model', text);
      else this.append(this.openModel, text);
      id = this.openModel;
    }
    if (finished && this.openModel !== null) this.finish('openModel', {});
    return id;
  }

  /** The model started answering (e.g. audio arrived without a transcription). */
  handleModelStart(): void {
    this.finalizeUser();
  }

  /** `serverContent.interrupted`: the model turn stops here. */
  handleInterrupted(): void {
    if (this.openModel !== null) this.finish('openModel', { interrupted: true });
  }

  /** `serverContent.turnComplete`: both open turns are final. */
  handleTurnComplete(): void {
    this.finalizeUser();
    if (this.openModel !== null) this.finish('openModel', {});
  }

  /** A typed message (sendText): a final user turn of its own. */
  addUserText(text: string): void {
    this.finalizeUser();
    this.add('user', text, true);
  }

  private finalizeUser(): void {
    if (this.openUser !== null) this.finish('openUser', {});
  }

  private finish(which: 'openUser' | 'openModel', patch: Partial<TranscriptTurn>): void {
    const id = this[which];
    this[which] = null;
    if (id !== null) this.replace(id, { ...patch, final: true });
  }

  private add(role: TranscriptTurn['role'], text: string, final = false): string {
    const at = this.now();
    const turn: TranscriptTurn = Object.freeze({
      id: `turn-${this.nextId++}`,
      role,
      text,
      final,
      interrupted: false,
      startedAt: at,
      updatedAt: at,
    });
    const next = [...this.list, turn];
    if (next.length > MAX_TURNS) next.splice(0, next.length - MAX_TURNS);
    this.commit(turn, next);
    return turn.id;
  }

  private append(id: string, text: string): void {
    const turn = this.list.find((t) => t.id === id);
    if (turn) this.replace(id, { text: turn.text + text });
  }

  private replace(id: string, patch: Partial<TranscriptTurn>): void {
    const index = this.list.findIndex((t) => t.id === id);
    const old = this.list[index];
    if (!old) return;
    const turn: TranscriptTurn = Object.freeze({ ...old, ...patch, updatedAt: this.now() });
    const next = [...this.list];
    next[index] = turn;
    this.commit(turn, next);
  }

  private commit(turn: TranscriptTurn, next: TranscriptTurn[]): void {
    this.list = Object.freeze(next);
    this.onChange(turn, this.list);
  }
}
