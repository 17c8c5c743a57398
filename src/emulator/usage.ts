/**
 * Token accounting for `usageMetadata`, with Google's published rates: audio 32 tokens/s, an image
 * frame 258 tokens, text about 4 characters per token. The prompt count covers the whole context,
 * as the service reports it per turn.
 */
import type { Content, UsageMetadata } from '../core/wire.ts';

const AUDIO_TOKENS_PER_S = 32;
const FRAME_TOKENS = 258;

/** What one turn consumed and produced. */
export interface UsageInput {
  systemInstruction: Content | undefined;
  history: Content[];
  audioInMs: number;
  videoFrames: number;
  modality: 'AUDIO' | 'TEXT';
  replyAudioMs: number;
  replyText: string;
}

/** Builds the `usageMetadata` sent with `turnComplete`. */
export function usageFor(u: UsageInput): UsageMetadata {
  const responseTokens =
    u.modality === 'AUDIO'
      ? Math.round((u.replyAudioMs / 1000) * AUDIO_TOKENS_PER_S)
      : Math.ceil(u.replyText.length / 4);
  const textTokens = Math.ceil(JSON.stringify([u.systemInstruction ?? '', u.history]).length / 4);
  const audioTokens = Math.round((u.audioInMs / 1000) * AUDIO_TOKENS_PER_S);
  const videoTokens = u.videoFrames * FRAME_TOKENS;
  const promptTokens = textTokens + audioTokens + videoTokens;
  return {
    promptTokenCount: promptTokens,
    responseTokenCount: responseTokens,
    totalTokenCount: promptTokens + responseTokens,
    promptTokensDetails: [
      { modality: 'TEXT', tokenCount: textTokens },
      ...(audioTokens ? [{ modality: 'AUDIO', tokenCount: audioTokens }] : []),
      ...(videoTokens ? [{ modality: 'IMAGE', tokenCount: videoTokens }] : []),
    ],
    responseTokensDetails: [{ modality: u.modality, tokenCount: responseTokens }],
  };
}
