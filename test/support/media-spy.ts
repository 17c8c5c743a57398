/** Records what the SDK asks of the browser's media devices (browser tests). */

/** Records every stream getUserMedia hands out, with the constraints asked for. */
export function recordStreams() {
  const md = navigator.mediaDevices;
  const original = md.getUserMedia;
  const streams: MediaStream[] = [];
  const asked: (MediaStreamConstraints | undefined)[] = [];
  md.getUserMedia = async function (this: MediaDevices, c?: MediaStreamConstraints) {
    asked.push(c);
    const s = await original.call(this, c);
    streams.push(s);
    return s;
  };
  return {
    streams,
    asked,
    tracks: () => streams.flatMap((s) => s.getTracks()),
    restore: () => {
      md.getUserMedia = original;
    },
  };
}
