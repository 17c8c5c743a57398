/** Shared by the React and Vue adapter tests: a session factory over live-agent/testing's fakes. */
import { expect } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import type { CreateLiveAgentOptions } from '../../src/index.ts';
import { LiveAgentElement } from '../../src/element/index.ts';
import { FakeMedia, FakeTransport, FakeVideo } from '../../src/testing/index.ts';

/** One session the factory built, with its fakes and the options it got. */
export interface Built {
  session: LiveAgentSession;
  transport: FakeTransport;
  media: FakeMedia;
  video: FakeVideo;
  options: CreateLiveAgentOptions;
}

/** A `create` for useLiveAgent that records every session it builds. */
export function fakeFactory(): {
  built: Built[];
  create: (o: CreateLiveAgentOptions) => LiveAgentSession;
} {
  const built: Built[] = [];
  return {
    built,
    create(options) {
      const transport = new FakeTransport();
      const media = new FakeMedia();
      const video = new FakeVideo();
      const { audio: _audio, video: _video, workerUrl: _workerUrl, ...rest } = options;
      const session = new LiveAgentSession(rest, { transport, media, video });
      built.push({ session, transport, media, video, options });
      return session;
    },
  };
}

/** Sockets still open and microphones still capturing, over every session built. */
export function openResources(built: Built[]): { sockets: number; mics: number } {
  return {
    sockets: built.flatMap((b) => b.transport.connections).filter((c) => !c.closed).length,
    mics: built.filter((b) => b.media.running).length,
  };
}

export const TOKEN = 'auth_tokens/fake-token';

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What the render-count tests drive: ten transcript words, one every 100 ms, while the levels
 * change at ~60 Hz. Returns how many of each the session saw, to compare with the renders.
 */
export async function talkWithChangingLevels({
  transport,
  media,
  session,
}: Built): Promise<{ levelChanges: number; transcriptChanges: number }> {
  let levelChanges = 0;
  let transcriptChanges = 0;
  const timer = setInterval(() => {
    levelChanges++;
    const v = (levelChanges % 50) / 100;
    media.levels = { input: { rms: v, peak: v }, output: { rms: 0.5 - v, peak: 0.5 } };
  }, 1000 / 60);
  const off = session.on('transcript', () => transcriptChanges++);
  for (let i = 0; i < 10; i++) {
    await wait(100);
    transport.serverSend({ serverContent: { outputTranscription: { text: `word${i} ` } } });
  }
  await wait(50);
  clearInterval(timer);
  off();
  return { levelChanges, transcriptChanges };
}

/** Runs `body` while every `<live-agent>` gets its session deps from one FakeTransport. */
export async function withFakeElementDeps(body: (transport: FakeTransport) => Promise<void>) {
  const transport = new FakeTransport();
  const previous = LiveAgentElement.depsLoader;
  LiveAgentElement.depsLoader = () => ({ transport, media: new FakeMedia() });
  try {
    await body(transport);
  } finally {
    LiveAgentElement.depsLoader = previous;
  }
}

/** What the autoConnect tests check once the element connected: one open, with the tool. */
export function expectOneOpenWithLookupTool(transport: FakeTransport, statuses: string[]): void {
  expect(statuses).toEqual(['connecting', 'connected']);
  // The first connection already declares the tool (set before connect, not after).
  expect(transport.opens).toHaveLength(1);
  expect(transport.opens[0]!.functionDeclarations.map((d) => d.name)).toEqual(['lookup']);
}
