/**
 * A moving canvas scene as a camera track, for tests that need real frames without a camera:
 * a box crossing a 1280×720 picture every 100 ms (each frame differs from the last one sent).
 */
export function movingScene(
  width = 1280,
  height = 720,
): {
  track: MediaStreamTrack;
  stop(): void;
} {
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d')!;
  let x = 0;
  const timer = setInterval(() => {
    ctx.fillStyle = '#234';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#fc0';
    ctx.fillRect((x += width / 13) % width, height / 3, width / 4, height / 3);
  }, 100);
  const track = canvas.captureStream(10).getVideoTracks()[0]!;
  return {
    track,
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}
