/**
 * Who is speaking (the snapshot's `agentSpeaking` and `userSpeaking`). Several sources know a
 * part: server transcriptions and model audio, the transport's local VAD, push-to-talk markers,
 * and the end of a reply or of the session. This class owns the two flags; the session reads them.
 */
export class SpeakingState {
  agentSpeaking = false;
  userSpeaking = false;

  /** This manager's part of the snapshot. */
  get slice(): { agentSpeaking: boolean; userSpeaking: boolean } {
    return { agentSpeaking: this.agentSpeaking, userSpeaking: this.userSpeaking };
  }

  /** The model answers (audio or transcribed speech): the user's turn is over. */
  handleModelSpeech(): void {
    this.agentSpeaking = true;
    this.userSpeaking = false;
  }

  /** A fragment of the user's transcription: speaking while text arrives, done when finished. */
  handleUserTranscription(text: string | undefined, finished: boolean): void {
    if (text) this.userSpeaking = true;
    if (finished) this.userSpeaking = false;
  }

  /** The local VAD's estimate, or a push-to-talk marker. */
  handleUserActivity(speaking: boolean): void {
    this.userSpeaking = speaking;
  }

  /** The user barged in: the model stopped. */
  handleInterrupted(): void {
    this.agentSpeaking = false;
  }

  /** The reply ended, or the session closed: nobody is speaking. */
  handleQuiet(): void {
    this.agentSpeaking = false;
    this.userSpeaking = false;
  }
}
