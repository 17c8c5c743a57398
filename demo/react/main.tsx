/**
 * React demo (`npm start` → /react/): useLiveAgent under StrictMode, levels in their own
 * component, two page tools whose handlers read the latest render's state. Bundled on request by
 * demo/server.ts; the SDK itself is served from /dist/.
 */
import { StrictMode, useEffect, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import {
  useLiveAgent,
  useLiveAgentLevels,
  type UseLiveAgentResult,
} from '../../src/react/index.ts';
import type { ToolDefinition } from '../../src/index.ts';

const root = document.getElementById('root')!;
const { endpoint, model } = root.dataset;

function Levels({ agent }: { agent: UseLiveAgentResult }) {
  const { input, output } = useLiveAgentLevels(agent);
  return (
    <span>
      You <meter value={input} /> Agent <meter value={output} />
    </span>
  );
}

function App() {
  const [color, setColor] = useState('');
  const tools: ToolDefinition[] = [
    {
      name: 'set_page_color',
      description: 'Sets the background colour of the page. Accepts any CSS colour.',
      parameters: { type: 'OBJECT', properties: { color: { type: 'STRING' } } },
      handler: ({ color: next }) => {
        setColor(String(next));
        return { ok: true, previous: color || 'default' }; // `color` is this render's: never stale
      },
    },
  ];
  const agent = useLiveAgent({
    token: { url: '/api/live-token' },
    endpoint,
    model,
    tools,
    config: { inputAudioTranscription: {}, outputAudioTranscription: {} },
  });
  const active = ['connecting', 'connected', 'reconnecting'].includes(agent.status);
  const [text, setText] = useState('');
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (text) agent.sendText(text);
    setText('');
  };
  useEffect(() => {
    document.body.style.background = color;
  }, [color]);
  return (
    <section className="agent-app" aria-label="Conversation">
      <div className="bar">
        <button type="button" onClick={() => void (active ? agent.disconnect() : agent.connect())}>
          {active ? 'Stop' : 'Talk'}
        </button>
        <span>Status: {agent.status}</span>
        {agent.status === 'connected' && (
          <button type="button" onClick={() => agent.setMicEnabled(!agent.micEnabled)}>
            {agent.micEnabled ? 'Mute' : 'Unmute'}
          </button>
        )}
        {agent.needsGesture && (
          <button type="button" onClick={() => void agent.resumeAudio()}>
            Enable sound
          </button>
        )}
        <Levels agent={agent} />
      </div>
      {agent.error && <p className="error">{agent.error.message}</p>}
      <ol aria-live="polite">
        {agent.transcript.map((turn) => (
          <li key={turn.id} data-role={turn.role}>
            {turn.text}
          </li>
        ))}
      </ol>
      <form className="bar" onSubmit={send}>
        <input value={text} onChange={(e) => setText(e.target.value)} aria-label="Message" />
        <button type="submit" disabled={agent.status !== 'connected'}>
          Send
        </button>
      </form>
    </section>
  );
}

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
