/**
 * The ADK `/run_live` codec, the only place ADK's wire is written or read. Out: `LiveRequest` JSON
 * with snake_case top-level keys (camelCase ones are dropped silently by ADK), validated strictly
 * first because one frame ADK cannot validate makes it stop reading the socket for good. In: ADK
 * `Event` JSON (camelCase, `None` omitted) normalised into the session's inbound events, including
 * what only ADK has (the answering agent, transfers, server-side tool calls, error codes);
 * `adkDetails` reads those fields of one raw event.
 * Both ADK 1.18 and 2.x event shapes are accepted (test/fixtures/adk-run-live*).
 */
import { LiveAgentError, serializeError } from '../../core/errors.ts';
import type { ClientIntent, InboundEvent, TransportCapabilities } from '../../core/transport.ts';
import type { ServerMessage, UsageMetadata } from '../../core/wire.ts';
import { isObject, parts, serverTools, type Json } from './details.ts';

export { adkDetails, type AdkDetails, type AdkToolActivity } from './details.ts';

/**
 * ADK runs tools on the server, has no resumption handle, no goAway, and no voice choice per
 * connection. `activity_start` reaches the model only when the agent's run config turns automatic
 * VAD off (the stock server refuses it with 1011), so push-to-talk is off too. JPEG frames travel
 * as `blob`s.
 */
export const ADK_CAPABILITIES: TransportCapabilities = Object.freeze({
  tools: false,
  pushToTalk: false,
  audioStreamEnd: false,
  resumption: false,
  voice: false,
  video: true,
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MIME = /^[a-z]+\/[a-z0-9.+-]+(;[a-z]+=[a-z0-9.-]+)*$/i;

function invalid(message: string): LiveAgentError {
  return new LiveAgentError('invalid-request', `ADK LiveRequest: ${message}`);
}

function blob(mimeType: string, data: string): Json {
  if (!MIME.test(mimeType)) throw invalid(`bad mime type ${JSON.stringify(mimeType)}`);
  if (data.length % 4 !== 0 || !BASE64.test(data)) throw invalid('blob data is not base64');
  return { blob: { mime_type: mimeType, data } };
}

/** The `LiveRequest` of one session intent. Throws `unsupported` for what ADK cannot carry. */
export function encodeAdkIntent(intent: ClientIntent): Json {
  switch (intent.type) {
    case 'audio':
      if (!Number.isInteger(intent.sampleRate) || intent.sampleRate <= 0)
        throw invalid('bad sample rate');
      return blob(`audio/pcm;rate=${intent.sampleRate}`, intent.data);
    case 'video':
      if (!/^image\/(jpeg|png)$/.test(intent.mimeType))
        throw invalid(`video frames must be JPEG or PNG, not ${intent.mimeType}`);
      return blob(intent.mimeType, intent.data);
    case 'text':
      if (typeof intent.text !== 'string' || intent.text.length === 0)
        throw invalid('text must be a non-empty string');
      // ADK has no realtime text: both kinds are a user turn.
      return { content: { role: 'user', parts: [{ text: intent.text }] } };
    default:
      throw new LiveAgentError(
        'unsupported',
        `${intent.type} is not supported by ADK /run_live (server-side tools, server VAD)`,
      );
  }
}

/** JSON text of a request; refuses anything but the known snake_case top-level keys. */
export function serializeAdkRequest(request: Json): string {
  const keys = Object.keys(request);
  const known = ['blob', 'content', 'activity_start', 'activity_end', 'close'];
  if (keys.length !== 1 || !known.includes(keys[0] as string))
    throw invalid(`one top-level key of ${known.join(', ')} expected, got ${keys.join(', ')}`);
  return JSON.stringify(request);
}

/** URL-safe or standard base64, padded or not → padded standard base64 (what atob takes). */
export function toStandardBase64(data: string): string {
  const std = data.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return std + '='.repeat((4 - (std.length % 4)) % 4);
}

/**
 * Rewrites audio `inlineData` to standard padded base64 in place (ADK sends URL-safe), so the
 * playback sink and `atob` take it. Returns the event for chaining.
 */
export function normaliseAdkAudio(event: Json): Json {
  for (const part of parts(event)) {
    const inline = part['inlineData'];
    if (isObject(inline) && typeof inline['data'] === 'string')
      inline['data'] = toStandardBase64(inline['data']);
  }
  return event;
}

/** Reply audio parts (40–80 ms each) after the user's last words before new words cut it. */
const LOCAL_BARGE_IN_PARTS = 10;

/**
 * Decodes the events of one `/run_live` socket into the session's inbound events. Stateful per
 * socket: ADK streams transcription deltas (`partial` true or missing), and 2.x follows them with
 * one aggregate (`partial: false`, `finished: true`, the whole text) that must REPLACE the deltas,
 * not extend them; the decoder passes on only what the aggregate adds. Function calls are NOT tool
 * calls for the session: ADK runs them itself, so they become `serverToolCall`/`serverToolResult`
 * (display only); `author` and transfers become `agent` events when the agent changes.
 */
export class AdkDecoder {
  private readonly heard = { user: '', model: '' };
  /** Model output of the current reply has arrived (until turnComplete/interrupted). */
  private replying = false;
  /** We cut the reply locally; ADK's own `interrupted` for it is then a duplicate. */
  private cutLocally = false;
  /** Model audio parts since the user's last transcription delta. */
  private audioSinceInput = 0;
  /** The agent this socket reported last. */
  private currentAgent: string | undefined;

  decode(event: ServerMessage): InboundEvent[] {
    const e = event as Json;
    const events: InboundEvent[] = [];
    // The agent first, so the session files this event's tool calls and speech under it. 2.x
    // authors the user's transcription `user`: that is not an agent.
    const author = e['author'];
    if (typeof author === 'string' && author !== '' && author !== 'user')
      this.agent(author, events);
    events.push(...serverTools(e));
    if (isObject(e['usageMetadata']))
      events.push({ type: 'usage', usage: e['usageMetadata'] as UsageMetadata });
    const input = this.transcription('user', e['inputTranscription'], e['partial'] === false);
    // Local barge-in: the user's words are being transcribed while the reply still plays and ADK
    // sent no `interrupted` (its own comes BEFORE the user's transcription when it does). The
    // transcription of the turn being answered may trail into the reply's first chunks: only a
    // delta after LOCAL_BARGE_IN_PARTS of uninterrupted reply audio counts as new speech.
    const fresh = input && 'text' in input && e['partial'] !== false;
    if (fresh && this.replying && this.audioSinceInput >= LOCAL_BARGE_IN_PARTS) {
      this.replying = false;
      this.cutLocally = true;
      this.heard.model = '';
      events.push({ type: 'interrupted' });
    }
    if (fresh) this.audioSinceInput = 0;
    if (input) events.push(input);
    const role = isObject(e['content']) ? e['content']['role'] : undefined;
    if (role !== 'user') {
      const text: string[] = [];
      let audioParts = 0;
      for (const part of parts(e)) {
        const inline = part['inlineData'];
        if (isObject(inline) && String(inline['mimeType'] ?? '').startsWith('audio/')) audioParts++;
        // `partial: false` text repeats the streamed chunks as one aggregate.
        if (typeof part['text'] === 'string' && part['thought'] !== true && e['partial'] !== false)
          text.push(part['text']);
      }
      if (text.length > 0 || audioParts > 0) {
        this.audioSinceInput += audioParts;
        this.replying = true;
        this.cutLocally = false;
        events.push({ type: 'content', text, audioParts });
      }
    }
    const output = this.transcription('model', e['outputTranscription'], e['partial'] === false);
    if (output) events.push(output);
    if (output && 'text' in output && e['partial'] !== false) {
      this.replying = true;
      this.cutLocally = false;
    }
    if (e['interrupted'] === true) {
      this.heard.model = '';
      if (!this.cutLocally) events.push({ type: 'interrupted' });
      this.replying = this.cutLocally = false;
    }
    if (e['turnComplete'] === true) {
      this.replying = this.cutLocally = false;
      this.heard.user = this.heard.model = '';
      events.push({ type: 'turnComplete' });
    }
    // The transfer's functionResponse is still authored by the agent handing over.
    const actions = e['actions'];
    if (isObject(actions) && typeof actions['transferToAgent'] === 'string')
      this.agent(actions['transferToAgent'], events);
    if (typeof e['errorCode'] === 'string' || typeof e['errorMessage'] === 'string') {
      const code = typeof e['errorCode'] === 'string' ? e['errorCode'] : 'ERROR';
      const message = typeof e['errorMessage'] === 'string' ? e['errorMessage'] : '';
      // Model-level errors: the socket stays open, so the session reports them non-fatally.
      const error = new LiveAgentError('server-error', `ADK agent error ${code}: ${message}`);
      events.push({ type: 'error', error: serializeError(error) });
    }
    return events;
  }

  /** Reports the agent when it is not the one this socket reported last. */
  private agent(name: string, events: InboundEvent[]): void {
    if (name === this.currentAgent) return;
    this.currentAgent = name;
    events.push({ type: 'agent', name });
  }

  private transcription(
    speaker: 'user' | 'model',
    value: unknown,
    aggregate: boolean,
  ): InboundEvent | undefined {
    if (!isObject(value)) return undefined;
    let text = typeof value['text'] === 'string' ? value['text'] : undefined;
    // A missing `finished` is not final (ADK 1.18 with newer google-genai omits both flags). The
    // model's aggregate comes right BEFORE `interrupted` on a barge-in (2.x): its turn ends with
    // turnComplete or interrupted, which always follow, so the cut stays visible.
    const finished = value['finished'] === true && !(aggregate && speaker === 'model');
    if (text !== undefined && aggregate) {
      const heard = this.heard[speaker];
      // The aggregate repeats the deltas: pass on what it adds. A differing aggregate keeps the
      // deltas the user already saw (the session cannot rewrite a turn's text).
      text = text.startsWith(heard) ? text.slice(heard.length) : undefined;
      this.heard[speaker] = '';
    } else if (text !== undefined) {
      this.heard[speaker] += text;
    }
    if (finished) this.heard[speaker] = '';
    return text === undefined || text === ''
      ? { type: 'transcription', speaker, finished }
      : { type: 'transcription', speaker, text, finished };
  }
}
