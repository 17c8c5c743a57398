/**
 * Registers `<live-agent>`: the SDK's only module with a registration side effect. Imported by
 * the `live-agent/element` entry and by the script-tag bundle.
 */
import { LiveAgentElement } from './element.ts';

/**
 * The registered tag name. Entries re-export it so bundlers that trust `sideEffects` lists keep
 * this module (and the registration below) even when nothing else is imported from it.
 */
export const LIVE_AGENT_TAG = 'live-agent';

if (!customElements.get(LIVE_AGENT_TAG)) customElements.define(LIVE_AGENT_TAG, LiveAgentElement);
