/**
 * The element's ADK chunk: the transport, and what the element shows only for an agent server
 * (the agent's name, server tool lines, ADK error wording). Fetched by the deps on the first
 * connect with transport="adk", so a Gemini page downloads none of it.
 */
import type { AgentFace } from '../view.ts';
import { AgentView } from './agent-view.ts';
import { adkErrorText } from './hints.ts';

export { createAdkTransport } from '../../transport/adk/transport.ts';

export const agentFace: AgentFace = {
  view: (log) => new AgentView(log),
  explain: adkErrorText,
};
