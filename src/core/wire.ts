/**
 * The Gemini Live wire protocol as plain data types (docs/protocol.md): types only, the codec in
 * src/transport reads and writes them. These are the JSON shapes on the socket (lowerCamelCase),
 * not @google/genai's classes. Unknown fields are allowed everywhere: the service adds fields
 * over time and we must pass them on, not choke on them.
 */

export interface Blob {
  mimeType: string;
  /** base64 */
  data: string;
}

export interface Part {
  text?: string;
  inlineData?: Blob;
  thought?: boolean;
  executableCode?: { language?: string; code?: string };
  codeExecutionResult?: { outcome?: string; output?: string };
  [extra: string]: unknown;
}

export interface Content {
  role?: string;
  parts?: Part[];
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  /** OpenAPI-style schema (genai `Schema`) */
  parameters?: unknown;
  /** JSON Schema alternative to `parameters` */
  parametersJsonSchema?: unknown;
  response?: unknown;
  behavior?: 'BLOCKING' | 'NON_BLOCKING';
}

export interface Tool {
  functionDeclarations?: FunctionDeclaration[];
  googleSearch?: Record<string, unknown>;
  codeExecution?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** The `setup` message body (what the first client frame carries). */
export interface SetupBody {
  model: string;
  generationConfig?: Record<string, unknown>;
  systemInstruction?: Content;
  tools?: Tool[];
  sessionResumption?: { handle?: string; transparent?: boolean };
  inputAudioTranscription?: Record<string, unknown>;
  outputAudioTranscription?: Record<string, unknown>;
  realtimeInputConfig?: Record<string, unknown>;
  contextWindowCompression?: Record<string, unknown>;
  proactivity?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface FunctionCall {
  id: string;
  name: string;
  args?: Record<string, unknown>;
}

export type FunctionResponseScheduling = 'INTERRUPT' | 'WHEN_IDLE' | 'SILENT';

export interface FunctionResponse {
  id: string;
  name: string;
  response: Record<string, unknown>;
  scheduling?: FunctionResponseScheduling;
  willContinue?: boolean;
}

/** One client frame. Exactly one top-level key per frame. */
export type ClientMessage =
  | { setup: SetupBody }
  | { clientContent: { turns?: Content[]; turnComplete?: boolean } }
  | {
      realtimeInput:
        | { audio: Blob }
        | { video: Blob }
        | { text: string }
        | { activityStart: Record<string, never> }
        | { activityEnd: Record<string, never> }
        | { audioStreamEnd: true };
    }
  | { toolResponse: { functionResponses: FunctionResponse[] } };

export interface Transcription {
  text?: string;
  finished?: boolean;
}

export interface ServerContent {
  modelTurn?: Content;
  inputTranscription?: Transcription;
  outputTranscription?: Transcription;
  interrupted?: boolean;
  generationComplete?: boolean;
  turnComplete?: boolean;
  turnCompleteReason?: string;
  waitingForInput?: boolean;
  groundingMetadata?: unknown;
  [extra: string]: unknown;
}

export interface UsageMetadata {
  promptTokenCount?: number;
  responseTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  promptTokensDetails?: { modality?: string; tokenCount?: number }[];
  responseTokensDetails?: { modality?: string; tokenCount?: number }[];
  [extra: string]: unknown;
}

/** One server frame. Several keys may be present at once: handle every one. */
export interface ServerMessage {
  setupComplete?: { sessionId?: string; [extra: string]: unknown };
  serverContent?: ServerContent;
  toolCall?: { functionCalls?: FunctionCall[] };
  toolCallCancellation?: { ids?: string[] };
  goAway?: { timeLeft?: string };
  sessionResumptionUpdate?: { newHandle?: string; resumable?: boolean; [extra: string]: unknown };
  usageMetadata?: UsageMetadata;
  [extra: string]: unknown;
}
