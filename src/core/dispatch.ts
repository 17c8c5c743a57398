/**
 * Routes every field of one server message to the session's managers. Several top-level keys and
 * several serverContent fields may arrive together; they are handled in this order so derived
 * state is complete before the events that announce a boundary: resumption handle, usage, user
 * transcription, model content, model transcription, interrupted, generationComplete,
 * turnComplete, tool calls, cancellations, goAway.
 */
import { durationToMs, type Part, type ServerMessage, type UsageMetadata } from './wire.ts';

/** Handlers for the pieces of a server message (implemented by the session). */
export interface MessageTargets {
  resumption(update: NonNullable<ServerMessage['sessionResumptionUpdate']>): void;
  usage(usage: UsageMetadata): void;
  inputTranscription(text: string | undefined, finished: boolean | undefined): void;
  /** Number of audio parts (audio itself is played by the transport). */
  modelAudio(parts: number): void;
  /** One non-thought text part of the model turn (TEXT modality). */
  modelText(text: string): void;
  outputTranscription(text: string | undefined, finished: boolean | undefined): void;
  interrupted(): void;
  generationComplete(): void;
  turnComplete(reason: string | undefined): void;
  toolCall(calls: NonNullable<NonNullable<ServerMessage['toolCall']>['functionCalls']>): void;
  toolCancellation(ids: string[]): void;
  goAway(timeLeftMs: number): void;
}

/** Calls the targets for every field present in `message`, in the documented order. */
export function dispatchServerMessage(message: ServerMessage, t: MessageTargets): void {
  if (isObject(message.sessionResumptionUpdate)) t.resumption(message.sessionResumptionUpdate);
  if (isObject(message.usageMetadata)) t.usage(message.usageMetadata);
  const content = message.serverContent;
  if (isObject(content)) {
    const input = content.inputTranscription;
    if (isObject(input)) t.inputTranscription(str(input.text), input.finished === true);
    const parts = Array.isArray(content.modelTurn?.parts) ? content.modelTurn.parts : [];
    let audio = 0;
    for (const part of parts as Part[]) {
      if (!isObject(part)) continue;
      if (isObject(part.inlineData) && str(part.inlineData.mimeType)?.startsWith('audio/')) audio++;
      // Thought parts are the model's reasoning, not something it said.
      if (typeof part.text === 'string' && part.thought !== true) t.modelText(part.text);
    }
    if (audio > 0) t.modelAudio(audio);
    const output = content.outputTranscription;
    if (isObject(output)) t.outputTranscription(str(output.text), output.finished === true);
    if (content.interrupted === true) t.interrupted();
    if (content.generationComplete === true) t.generationComplete();
    if (content.turnComplete === true) t.turnComplete(str(content.turnCompleteReason));
  }
  const calls = message.toolCall?.functionCalls;
  if (Array.isArray(calls) && calls.length > 0) t.toolCall(calls.filter(isObject));
  const ids = message.toolCallCancellation?.ids;
  if (Array.isArray(ids))
    t.toolCancellation(ids.filter((id): id is string => typeof id === 'string'));
  if (isObject(message.goAway)) t.goAway(durationToMs(str(message.goAway.timeLeft)) ?? 0);
}

function isObject<T>(value: T | null | undefined): value is T & object {
  return typeof value === 'object' && value !== null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
