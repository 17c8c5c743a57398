/**
 * Opening a camera or a screen share, with the browser's failures mapped to typed MediaErrors.
 * Only video is requested: the microphone belongs to the audio graph and is never touched here.
 */
import { MediaError } from '../core/errors.ts';
import type { VideoOptions, VideoSource } from '../core/video.ts';

function mapError(source: VideoSource, error: unknown): MediaError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'AbortError')
    return MediaError.videoDenied(source, error);
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError')
    return source === 'camera'
      ? MediaError.noDevice('camera', error)
      : new MediaError('device-error', 'The screen could not be captured', { cause: error });
  if (name === 'TypeError' || name === 'NotSupportedError')
    return MediaError.unsupported(source === 'camera' ? 'getUserMedia video' : 'getDisplayMedia');
  return new MediaError('device-error', `Could not open the ${source}`, { cause: error });
}

/** True where `source` can be opened at all (faces hide the other buttons). */
export function canCapture(source: VideoSource): boolean {
  const devices = (globalThis.navigator as Navigator | undefined)?.mediaDevices;
  if (!devices) return false;
  return source === 'camera'
    ? typeof devices.getUserMedia === 'function'
    : typeof devices.getDisplayMedia === 'function';
}

/** Opens the source's one video track; throws MediaError. */
export async function openVideoTrack(
  source: VideoSource,
  options: VideoOptions,
): Promise<MediaStreamTrack> {
  if (typeof isSecureContext === 'boolean' && !isSecureContext)
    throw new MediaError('insecure-context', 'Camera and screen need a secure context');
  if (!canCapture(source))
    throw MediaError.unsupported(source === 'camera' ? 'getUserMedia' : 'getDisplayMedia');
  let stream: MediaStream;
  try {
    if (source === 'camera') {
      const video: MediaTrackConstraints = {};
      if (options.deviceId) video.deviceId = { exact: options.deviceId };
      if (options.facingMode) video.facingMode = options.facingMode;
      stream = await navigator.mediaDevices.getUserMedia({
        video: Object.keys(video).length ? video : true,
        audio: false,
      });
    } else {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    }
  } catch (error) {
    throw mapError(source, error);
  }
  const [track] = stream.getVideoTracks();
  for (const extra of stream.getTracks()) if (extra !== track) extra.stop();
  if (!track) throw MediaError.noDevice('camera');
  return track;
}
