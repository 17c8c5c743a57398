/**
 * Browser video for live-agent: camera and screen share, fed to the transport's worker (which
 * scales, skips unchanged frames and encodes JPEG). Loaded only by apps and faces that use video.
 */
export {
  createWebVideo,
  videoWorkerBeside,
  type VideoStats,
  type WebVideo,
  type WebVideoOptions,
} from './web-video.ts';
export { canCapture } from './sources.ts';
export type { VideoFeedMessage, VideoPipeMessage } from './messages.ts';
