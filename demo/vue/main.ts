/**
 * Vue demo (`npm start` → /vue/): useLiveAgent's readonly refs, levels as refs, a page tool, in
 * a render-function component (no SFC compiler needed). Bundled on request by demo/server.ts;
 * the SDK itself is served from /dist/.
 */
import { createApp, defineComponent, h, ref, watchEffect, type PropType } from 'vue';
import { useLiveAgent, useLiveAgentLevels, type UseLiveAgentReturn } from '../../src/vue/index.ts';

const mount = document.getElementById('app')!;
const { endpoint, model } = mount.dataset;

const App = defineComponent({
  setup() {
    const color = ref('');
    watchEffect(() => (document.body.style.background = color.value));
    const agent = useLiveAgent({
      token: { url: '/api/live-token' },
      endpoint,
      model,
      tools: [
        {
          name: 'set_page_color',
          description: 'Sets the background colour of the page. Accepts any CSS colour.',
          parameters: { type: 'OBJECT', properties: { color: { type: 'STRING' } } },
          handler: ({ color: next }) => {
            const previous = color.value || 'default';
            color.value = String(next);
            return { ok: true, previous };
          },
        },
      ],
      config: { inputAudioTranscription: {}, outputAudioTranscription: {} },
    });
    const { status, transcript, error, micEnabled, needsGesture } = agent;
    const text = ref('');
    const active = () => ['connecting', 'connected', 'reconnecting'].includes(status.value);
    const send = (event: Event) => {
      event.preventDefault();
      if (text.value) agent.sendText(text.value);
      text.value = '';
    };
    return () =>
      h('section', { class: 'agent-app', 'aria-label': 'Conversation' }, [
        h('div', { class: 'bar' }, [
          h(
            'button',
            {
              type: 'button',
              onClick: () => void (active() ? agent.disconnect() : agent.connect()),
            },
            active() ? 'Stop' : 'Talk',
          ),
          h('span', `Status: ${status.value}`),
          status.value === 'connected' &&
            h(
              'button',
              { type: 'button', onClick: () => agent.setMicEnabled(!micEnabled.value) },
              micEnabled.value ? 'Mute' : 'Unmute',
            ),
          needsGesture.value &&
            h(
              'button',
              { type: 'button', onClick: () => void agent.resumeAudio() },
              'Enable sound',
            ),
          h(Levels, { agent }),
        ]),
        error.value && h('p', { class: 'error' }, error.value.message),
        h(
          'ol',
          { 'aria-live': 'polite' },
          transcript.value.map((turn) =>
            h('li', { key: turn.id, 'data-role': turn.role }, turn.text),
          ),
        ),
        h('form', { class: 'bar', onSubmit: send }, [
          h('input', {
            value: text.value,
            'aria-label': 'Message',
            onInput: (e: Event) => (text.value = (e.target as HTMLInputElement).value),
          }),
          h('button', { type: 'submit', disabled: status.value !== 'connected' }, 'Send'),
        ]),
      ]);
  },
});

/** Only this small component re-renders at frame rate: the levels are read here, not in App. */
const Levels = defineComponent({
  props: { agent: { type: Object as PropType<UseLiveAgentReturn>, required: true } },
  setup(props) {
    const { input, output } = useLiveAgentLevels(() => props.agent);
    return () =>
      h('span', [
        'You ',
        h('meter', { value: input.value }),
        ' Agent ',
        h('meter', { value: output.value }),
      ]);
  },
});

createApp(App).mount(mount);
