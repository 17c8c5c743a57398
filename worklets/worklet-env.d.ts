/**
 * AudioWorkletGlobalScope, declared by hand: the worklets compile without the DOM lib so they
 * cannot reach for APIs the worklet scope lacks (no `performance`, `setTimeout`, `fetch`).
 * https://webaudio.github.io/web-audio-api/#AudioWorkletGlobalScope
 */

declare const sampleRate: number;
declare const currentFrame: number;
declare const currentTime: number;

interface MessageEvent<T = unknown> {
  readonly data: T;
}

interface MessagePort {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
  start(): void;
  close(): void;
}

type Transferable = ArrayBuffer | MessagePort;

declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
}

interface AudioWorkletNodeOptions {
  numberOfInputs?: number;
  numberOfOutputs?: number;
  processorOptions?: unknown;
}

declare function registerProcessor(
  name: string,
  ctor: new (options?: AudioWorkletNodeOptions) => AudioWorkletProcessor,
): void;
