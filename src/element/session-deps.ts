/** What the element builds a session from, and how the entry modules supply it. */
import type { LiveMedia } from '../core/media.ts';
import type { LiveTransport } from '../core/transport.ts';
import type { LiveVideo } from '../core/video.ts';
import type { AdkTarget } from './options.ts';
import type { PreviewSource } from './video-controls.ts';
import type { AgentFace } from './view.ts';

/** What a session is built from; override `createSessionDeps()` to inject fakes in tests. */
export interface SessionDeps {
  transport: LiveTransport;
  media?: LiveMedia | null;
  /** Camera/screen source (the default deps add createWebVideo()). */
  video?: (LiveVideo & PreviewSource) | null;
  fetch?: typeof fetch;
  /**
   * Starts a worker that draws the level meters off the main thread (the default deps: the SDK's
   * worker file). Without it the meters are drawn on the main thread.
   */
  meterWorker?: () => Worker;
  /** What an agent server's session shows (the default deps add it for transport="adk"). */
  agentFace?: AgentFace;
}

/** Loads the default transport and media (set by the entry: a chunk, or a file beside the IIFE). */
export type DepsLoader = (
  assetBase: string | undefined,
  media: { microphone: boolean; adk?: AdkTarget },
) => Promise<SessionDeps> | SessionDeps;
