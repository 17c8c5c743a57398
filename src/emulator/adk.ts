/**
 * ADK mode: an ADK agent server's browser-facing surface (`/run_live` and the session REST routes)
 * in front of a running emulator, behaving like the recorded google-adk 2.13 server
 * (test/fixtures/adk-run-live-2): snake_case `LiveRequest` in, ADK `Event` JSON out (URL-safe
 * audio, partial transcription deltas and a final aggregate, `author`, server-side tools,
 * `actions.transferToAgent`, `longRunningToolIds` for `start_job`, an `errorCode` event for a
 * user turn saying "adk error CODE"), 1002 for an unknown session, 1011 for binary frames and
 * `activity_start`, 403 for a disallowed origin. Each `/run_live` socket is bridged to one Gemini
 * Live session of the emulator, so its speech, transcripts and VAD are the emulator's own.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Emulator } from './emulator.ts';

// Free-form wire JSON of two protocols, read field by field; the bridge is a test double.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export interface AdkEmulatorOptions {
  /** Page origins allowed (CORS and the socket handshake); default: any. */
  allowOrigins?: string[];
  /** Root agent name (`author`), default `concierge`; `transfer_to_agent` switches it. */
  rootAgent?: string;
  /** Model the bridge asks the emulator for (its tool turns end at the call, as ADK needs). */
  model?: string;
}

export interface AdkEmulator {
  /** `http://127.0.0.1:PORT`: the `endpoint` of an ADK transport. */
  readonly url: string;
  /** Stored sessions by `app/user/id`. */
  readonly sessions: Map<string, Json>;
  close(): Promise<void>;
}

const ACTIONS = () => ({
  stateDelta: {},
  artifactDelta: {},
  requestedAuthConfigs: {},
  requestedToolConfirmations: {},
});
const SESSION_PATH = /^\/apps\/([^/]+)\/users\/([^/]+)\/sessions(?:\/([^/]+))?$/;
const TOOLS = [
  {
    functionDeclarations: [
      { name: 'get_time', description: 'The current time.' },
      // ADK's LongRunningFunctionTool: its id is listed in the call event's longRunningToolIds.
      { name: 'start_job', description: 'Starts a long job; the result follows later.' },
      {
        name: 'transfer_to_agent',
        description: 'Hand the conversation to another agent.',
        parameters: {
          type: 'OBJECT',
          properties: { agent_name: { type: 'STRING' } },
          required: ['agent_name'],
        },
      },
    ],
  },
];

const urlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');

/** Starts the ADK front on 127.0.0.1 (port 0 by default) for `emulator`. */
export async function startAdkEmulator(
  emulator: Emulator,
  options: AdkEmulatorOptions = {},
  port = 0,
): Promise<AdkEmulator> {
  const sessions = new Map<string, Json>();
  const allowed = (origin: string | undefined) =>
    !options.allowOrigins || !origin || options.allowOrigins.includes(origin);
  const server = createServer((req, res) => rest(req, res));
  const wss = new WebSocketServer({ noServer: true });

  function rest(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!allowed(origin)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: origin not allowed');
      return;
    }
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'DELETE, GET, OPTIONS, POST');
      res.setHeader('access-control-allow-headers', 'content-type');
      res.writeHead(200).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://adk');
    const m = SESSION_PATH.exec(url.pathname);
    const send = (status: number, body: unknown): void =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (!m) return send(404, { detail: 'Not Found' });
    const [, app, user, given] = m.map((s) => (s ? decodeURIComponent(s) : s)) as string[];
    const key = (id: string) => `${app}/${user}/${id}`;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'GET' && given) {
        const s = sessions.get(key(given));
        return s ? send(200, s) : send(404, { detail: 'Session not found' });
      }
      if (req.method === 'POST') {
        const id = given ?? randomUUID();
        if (sessions.has(key(id))) return send(409, { detail: `Session already exists: ${id}` });
        let state: Json;
        try {
          state = (JSON.parse(body || '{}') as Json)['state'] ?? {};
        } catch {
          return send(422, { detail: 'Invalid JSON' });
        }
        const s = {
          id,
          appName: app,
          userId: user,
          state,
          events: [],
          lastUpdateTime: Date.now() / 1000,
        };
        sessions.set(key(id), s);
        return send(200, s);
      }
      if (req.method === 'DELETE' && given) {
        sessions.delete(key(given));
        return void res.writeHead(204).end();
      }
      send(405, { detail: 'Method Not Allowed' });
    });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://adk');
    if (url.pathname !== '/run_live' || !allowed(req.headers.origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => runLive(ws, url.searchParams));
  });

  function runLive(ws: WebSocket, q: URLSearchParams): void {
    const stored = sessions.get(`${q.get('app_name')}/${q.get('user_id')}/${q.get('session_id')}`);
    if (!stored) return ws.close(1002, 'Session not found');
    const invocationId = `e-${randomUUID()}`;
    let author = options.rootAgent ?? 'concierge';
    const model = options.model ?? 'gemini-2.0-flash-live-001';
    const heard = { input: '', output: '' };
    let deaf = false;
    const out = (fields: Json, withModel = false) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const event = {
        ...(withModel && { modelVersion: model }),
        ...fields,
        invocationId,
        author: fields['author'] ?? author,
        actions: { ...ACTIONS(), ...(fields['actions'] ?? {}) },
        nodeInfo: { path: '' },
        id: randomUUID(),
        timestamp: Date.now() / 1000,
      };
      ws.send(JSON.stringify(event));
    };
    const token = emulator.createToken().name;
    let ready = false;
    const upstream = new WebSocket(
      `${emulator.wsUrl}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=${encodeURIComponent(token)}`,
    );
    const toModel = (msg: Json) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(JSON.stringify(msg));
    };
    const pending: Json[] = [];
    upstream.on('open', () => {
      upstream.send(
        JSON.stringify({
          setup: {
            model: `models/${model}`,
            generationConfig: { responseModalities: ['AUDIO'] },
            inputAudioTranscription: {},
            outputAudioTranscription: {},
            tools: TOOLS,
          },
        }),
      );
    });
    const finals = () => {
      if (heard.input)
        out({
          partial: false,
          inputTranscription: { text: heard.input, finished: true },
          author: 'user',
        });
      if (heard.output)
        out({ partial: false, outputTranscription: { text: heard.output, finished: true } });
      heard.input = heard.output = '';
    };
    upstream.on('message', (data: RawData) => {
      const msg = JSON.parse(data.toString()) as Json;
      if (msg['setupComplete']) {
        ready = true;
        for (const p of pending.splice(0)) toModel(p);
        return;
      }
      const sc = msg['serverContent'] as Json | undefined;
      if (sc?.['inputTranscription']?.text) {
        heard.input += sc['inputTranscription'].text;
        out({
          partial: true,
          inputTranscription: { text: sc['inputTranscription'].text, finished: false },
          author: 'user',
        });
      }
      for (const part of sc?.['modelTurn']?.parts ?? []) {
        if (part.inlineData?.data)
          out(
            {
              content: {
                parts: [
                  {
                    inlineData: {
                      mimeType: part.inlineData.mimeType,
                      data: urlSafe(part.inlineData.data),
                    },
                  },
                ],
                role: 'model',
              },
            },
            true,
          );
      }
      if (sc?.['outputTranscription']?.text) {
        heard.output += sc['outputTranscription'].text;
        out({
          partial: true,
          outputTranscription: { text: sc['outputTranscription'].text, finished: false },
        });
      }
      if (sc?.['interrupted']) {
        finals();
        out({ interrupted: true }, true);
      }
      if (msg['usageMetadata']) out({ usageMetadata: msg['usageMetadata'] }, true);
      if (sc?.['turnComplete']) {
        finals();
        out({ turnComplete: true }, true);
      }
      for (const call of (msg['toolCall']?.functionCalls ?? []) as Json[]) {
        out(
          {
            content: {
              parts: [
                { functionCall: { id: call['id'], args: call['args'] ?? {}, name: call['name'] } },
              ],
              role: 'model',
            },
            longRunningToolIds: call['name'] === 'start_job' ? [call['id']] : [],
          },
          true,
        );
        const target =
          call['name'] === 'transfer_to_agent' ? String(call['args']?.agent_name ?? '') : '';
        const response = target
          ? { result: null }
          : call['name'] === 'start_job'
            ? { status: 'pending' }
            : { time: new Date().toISOString().slice(11, 16) };
        out({
          content: {
            parts: [{ functionResponse: { id: call['id'], name: call['name'], response } }],
            role: 'user',
          },
          ...(target && { actions: { transferToAgent: target } }),
        });
        if (target) author = target;
        toModel({
          toolResponse: { functionResponses: [{ id: call['id'], name: call['name'], response }] },
        });
      }
    });
    upstream.on('close', (code, reason) => {
      if (ws.readyState === WebSocket.OPEN)
        ws.close(1011, `${code} ${reason.toString()}`.slice(0, 120));
    });
    ws.on('message', (data: RawData, binary: boolean) => {
      if (deaf) return;
      if (binary) return ws.close(1011, "'text'");
      let req: Json;
      try {
        req = JSON.parse(data.toString()) as Json;
      } catch {
        deaf = true; // ADK stops reading after a frame it cannot validate
        return;
      }
      let msg: Json | undefined;
      if (req['blob']) {
        const { mime_type: mimeType, data: b64 } = req['blob'] as Json;
        if (typeof mimeType !== 'string' || typeof b64 !== 'string') return void (deaf = true);
        msg = {
          realtimeInput: mimeType.startsWith('image/')
            ? { video: { mimeType, data: b64 } }
            : { audio: { mimeType, data: b64 } },
        };
      } else if (req['content']) {
        // "adk error CODE": an `errorCode` event as ADK sends for a model-level error (the
        // socket stays open), for tests of how a client shows it.
        const said = JSON.stringify(req['content']);
        const scripted = /adk error ([A-Z_]+)/.exec(said);
        if (scripted)
          return out({ errorCode: scripted[1], errorMessage: 'scripted by the emulator' }, true);
        msg = { clientContent: { turns: [req['content']], turnComplete: true } };
      } else if (req['activity_start'] || req['activity_end']) {
        return ws.close(1011, '1007 None. Request contains an invalid argument.');
      } else if (req['close']) {
        deaf = true;
        return;
      }
      if (!msg) return; // camelCase top-level keys: dropped silently, as ADK does
      if (ready) toModel(msg);
      else pending.push(msg);
    });
    ws.on('close', () => upstream.close());
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    sessions,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
    },
  };
}
