/**
 * `live-agent/element`: importing it registers `<live-agent>` (via ./define.ts) and lets the
 * element load its transport and audio graph as a separate chunk on the first connect.
 */
import { LiveAgentElement } from './element.ts';
import { callUi } from './call-ui.ts';
import { VideoControls } from './video-controls.ts';
export { LIVE_AGENT_TAG } from './define.ts';

LiveAgentElement.depsLoader ??= (assetBase, media) =>
  import('./deps.ts').then((m) => m.createDefaultDeps(assetBase, media));
LiveAgentElement.videoControls ??= (bar, host) => new VideoControls(bar, host);
LiveAgentElement.callUi ??= callUi;

export {
  LiveAgentElement,
  LIVE_AGENT_DOM_EVENTS,
  type DepsLoader,
  type SessionDeps,
} from './element.ts';
export {
  LiveAgentEvent,
  type LiveAgentDomEventName,
  type LiveAgentElementEventMap,
} from './events.ts';
