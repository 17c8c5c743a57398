/**
 * Ties the transport's audio turns (numbered where the audio is played, in the worker) to
 * transcript turns, so the played position can name the reply being heard (caption sync). The
 * link is made in message order: each message says which audio turn took its audio
 * (`MessageMeta.audioTurnId`), and the transcript says which model turn is open.
 */

/** How many audio turns to remember (a reply older than this is long finished). */
const KEEP = 16;

/** Audio turn id → transcript turn id, learned while replies arrive. */
export class PlaybackTurns {
  /** The audio turn of the reply arriving now (0 between replies). */
  private current = 0;
  private readonly turns = new Map<number, string>();

  /** A message's audio went to `audioTurnId` (absent: it was not played). */
  handleAudio(audioTurnId: number | undefined): void {
    if (audioTurnId) this.current = audioTurnId;
  }

  /** The model transcript turn that is open now (after audio or text of the reply). */
  handleModelTurn(transcriptTurnId: string | null): void {
    if (!this.current || transcriptTurnId === null) return;
    this.turns.set(this.current, transcriptTurnId);
    for (const id of this.turns.keys()) if (id <= this.current - KEEP) this.turns.delete(id);
  }

  /** The reply ended (turnComplete or interrupted): later audio starts another turn. */
  endReply(): void {
    this.current = 0;
  }

  /** The transcript turn of an audio turn, or null when none was seen. */
  resolve(audioTurnId: number): string | null {
    return this.turns.get(audioTurnId) ?? null;
  }

  /** The media restarted: the transport numbers audio turns from 1 again. */
  reset(): void {
    this.current = 0;
    this.turns.clear();
  }
}
