/**
 * User input of `<live-agent>`: talk/end/mute/gesture/metrics buttons, push-to-talk by pointer
 * hold or held Space on the talk button, and the text form. State lives in the element.
 */
import type { LiveAgentStatus } from '../core/types.ts';
import type { LiveAgentView } from './view.ts';

/** What the controls need from the element. */
export interface ControlHost {
  status(): LiveAgentStatus;
  /** True when push-to-talk applies now (mode is push-to-talk and connected). */
  pushToTalk(): boolean;
  holding(): boolean;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  startHold(): void;
  endHold(): void;
  toggleMute(): void;
  resumeAudio(): Promise<void> | undefined;
  toggleMetrics(): void;
  sendText(text: string): void;
}

const ACTIVE: ReadonlySet<LiveAgentStatus> = new Set(['connecting', 'connected', 'reconnecting']);

/** Attaches every listener once; failures surface through the UI and live-agent-error. */
export function wireControls(v: LiveAgentView, host: ControlHost): void {
  const quiet = () => undefined;
  v.talk.addEventListener('click', () => {
    if (host.pushToTalk()) return; // push-to-talk: pointer and Space handle the held state
    if (ACTIVE.has(host.status())) void host.disconnect();
    else host.connect().catch(quiet);
  });
  v.talk.addEventListener('pointerdown', (e) => {
    if (!host.pushToTalk() || e.button !== 0) return;
    try {
      // Keeps pointerup coming when the finger slides off the button.
      v.talk.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic or already-released pointers cannot be captured; the hold still works.
    }
    host.startHold();
  });
  for (const type of ['pointerup', 'pointercancel', 'blur'] as const) {
    v.talk.addEventListener(type, () => host.endHold());
  }
  v.talk.addEventListener('keydown', (e) => {
    if (e.key !== ' ' || !host.pushToTalk()) return;
    e.preventDefault(); // no click on keyup either: the held state is the action
    if (!e.repeat) host.startHold();
  });
  v.talk.addEventListener('keyup', (e) => {
    if (e.key !== ' ' || !host.holding()) return;
    e.preventDefault();
    host.endHold();
  });
  v.end.addEventListener('click', () => void host.disconnect());
  v.mute.addEventListener('click', () => host.toggleMute());
  v.gesture.addEventListener('click', () => void host.resumeAudio());
  v.metricsButton.addEventListener('click', () => host.toggleMetrics());
  v.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = v.input.value.trim();
    if (!text) return;
    v.input.value = '';
    // Typing while idle starts the conversation first.
    const ready = host.status() === 'connected' ? Promise.resolve() : host.connect();
    ready.then(() => host.sendText(text)).catch(quiet);
  });
}
