/**
 * `live-agent/element`: importing it registers `<live-agent>` (the only module with that side
 * effect). Import the class from `live-agent` instead to register it under another name.
 */
import { LiveAgentElement } from './element.ts';

if (!customElements.get('live-agent')) customElements.define('live-agent', LiveAgentElement);

export { LiveAgentElement, LIVE_AGENT_DOM_EVENTS, type SessionDeps } from './element.ts';
export {
  LiveAgentEvent,
  type LiveAgentDomEventName,
  type LiveAgentElementEventMap,
} from './events.ts';
