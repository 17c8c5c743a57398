/**
 * The one AudioWorklet module the build ships (live-agent-audio.worklet.js): it registers both
 * processors, so a call fetches one file and one `addModule`, and the level sinks both use are
 * bundled once (two files measured 0.6 KB gzip more). Tests still load the two halves separately.
 */
import './capture.worklet.ts';
import './playback.worklet.ts';
