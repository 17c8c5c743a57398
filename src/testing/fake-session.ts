/** createFakeSession(): a LiveAgentSession wired to a FakeTransport and FakeMedia, for app tests. */
import { LiveAgentSession } from '../core/session.ts';
import type { LiveAgentOptions } from '../core/types.ts';
import { FakeMedia } from './fake-media.ts';
import { FakeTransport } from './fake-transport.ts';

/** What createFakeSession() returns: the session and the fakes that drive it. */
export interface FakeSessionKit {
  session: LiveAgentSession;
  transport: FakeTransport;
  media: FakeMedia;
}

/** A session with fakes and a dummy ephemeral token; `options` override the defaults. */
export function createFakeSession(options: Partial<LiveAgentOptions> = {}): FakeSessionKit {
  const transport = new FakeTransport();
  const media = new FakeMedia();
  const session = new LiveAgentSession(
    {
      token: 'auth_tokens/fake-token',
      reconnect: { baseDelayMs: 10, maxDelayMs: 100 },
      ...options,
    },
    { transport, media },
  );
  return { session, transport, media };
}
