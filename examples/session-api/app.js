import { createLiveAgent } from 'live-agent';

const $ = (id) => document.getElementById(id);

const agent = createLiveAgent({
  token: async () => (await (await fetch('/api/live-token', { method: 'POST' })).json()).token,
  endpoint: document.body.dataset.endpoint, // filled in by the server: Google or the emulator
  model: 'gemini-3.8-live',
  config: { outputAudioTranscription: {}, inputAudioTranscription: {} },
  tools: [
    { name: 'get_time', description: 'The local time', handler: () => new Date().toString() },
  ],
});

// Model and speech text is untrusted: textContent, never innerHTML.
agent.on('transcript', ({ transcript }) => {
  $('transcript').replaceChildren(
    ...transcript.map((turn) => {
      const li = document.createElement('li');
      li.textContent = `${turn.role === 'user' ? 'You' : 'Agent'}: ${turn.text}`;
      return li;
    }),
  );
});
agent.on('error', ({ error, fatal }) => console.warn(error.code, error.message, fatal));
agent.subscribe(() => {
  const { status } = agent.getSnapshot();
  $('status').textContent = status;
  $('talk').disabled = status === 'connecting' || status === 'connected';
  $('end').disabled = !$('talk').disabled;
});

$('talk').addEventListener('click', () => agent.connect().catch(() => {})); // errors: see above
$('end').addEventListener('click', () => agent.disconnect()); // frees mic, worker and socket
