/**
 * `live-agent/testing`: fakes for app developers' tests. Drive a real LiveAgentSession without a
 * network, microphone or worker: play server frames, close sockets, inspect what was sent.
 */
export { FakeTransport, FakeConnection, audioBytesOf } from './fake-transport.ts';
export { FakeMedia } from './fake-media.ts';
export { FakeVideo } from './fake-video.ts';
export { createFakeSession, type FakeSessionKit } from './fake-session.ts';
