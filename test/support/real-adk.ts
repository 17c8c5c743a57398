/**
 * The real ADK for browser tests (Node side): a TLS emulator as the model and google-adk's own
 * `adk api_server` from python/.venv (created by `npm test`'s python phase, pinned in
 * python/requirements-ci.txt) serving a tiny agent (one Python tool, one sub-agent) to the test
 * page's origin. `guarded` serves the same agents through live_agent_server's `protect_adk`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';

const VENV_BIN = resolve(process.cwd(), 'python/.venv/bin');
// A 2.0 Live model name: the emulator ends its turn at a tool call, as ADK 2.x needs.
const MODEL = 'gemini-2.0-flash-live-001';
const TOOL = `import datetime


def get_time() -> dict:
    """Returns the current local time of the agent server."""
    return {"time": datetime.datetime.now().strftime("%H:%M")}
`;
const AGENT = `from google.adk.agents import Agent
from .tools import get_time

clock_agent = Agent(name="clock_agent", model="${MODEL}", description="Tells the time.",
                    instruction="You tell the time. Use get_time.", tools=[get_time])
root_agent = Agent(name="concierge", model="${MODEL}",
                   instruction="You are a helpful voice assistant. Use get_time for the time.",
                   tools=[get_time], sub_agents=[clock_agent])
`;
// The guarded server: ADK's own FastAPI app, wrapped by protect_adk; any Bearer user may use
// the agent as themselves (the test's authorize rule).
const GUARDED = `import os, sys, uvicorn
from google.adk.cli.fast_api import get_fast_api_app
from live_agent_server import protect_adk

origin = os.environ["LIVE_AGENT_ORIGIN"]
port = int(sys.argv[2])
app = get_fast_api_app(agents_dir=sys.argv[1], web=False, allow_origins=[origin], port=port,
                       session_service_uri="memory://", artifact_service_uri="memory://",
                       memory_service_uri="memory://", use_local_storage=False)
protect_adk(app, allowed_origins=[origin], secret=b"t" * 32,
            authorize=lambda request, scope: request.headers.get("authorization") == "Bearer " + scope.user_id)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
`;

export interface RealAdk {
  url: string;
  emulator: Emulator;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** Starts emulator + real ADK; rejects with a clear message when python/.venv is missing. */
export async function startRealAdk(
  origin: string,
  guarded = false,
  /** A TLS emulator with apiKey `emulator-key` to use (the benches' settings); closed with it. */
  model?: Emulator,
): Promise<RealAdk> {
  if (!existsSync(join(VENV_BIN, 'adk')))
    throw new Error(
      'python/.venv with google-adk is missing: run `node scripts/test-python.mjs` (the python ' +
        'phase of npm test) first; the real-ADK browser tests need it',
    );
  const emulator =
    model ?? (await createEmulator({ tls: true, speech: 'tone', apiKey: 'emulator-key' }));
  const dir = await mkdtemp(join(tmpdir(), 'live-agent-adk-'));
  await mkdir(join(dir, 'agents/concierge_app'), { recursive: true });
  await writeFile(join(dir, 'agents/concierge_app/__init__.py'), 'from . import agent\n');
  await writeFile(join(dir, 'agents/concierge_app/tools.py'), TOOL);
  await writeFile(join(dir, 'agents/concierge_app/agent.py'), AGENT);
  await writeFile(join(dir, 'guarded.py'), GUARDED);
  const port = await freePort();
  const env = {
    ...process.env,
    GOOGLE_API_KEY: 'emulator-key',
    GOOGLE_GEMINI_BASE_URL: emulator.url,
    SSL_CERT_FILE: emulator.certificatePath,
    GOOGLE_GENAI_USE_VERTEXAI: 'false',
    LIVE_AGENT_ORIGIN: origin,
  };
  const args = guarded
    ? [join(VENV_BIN, 'python'), [join(dir, 'guarded.py'), join(dir, 'agents'), String(port)]]
    : [
        join(VENV_BIN, 'adk'),
        ['api_server', join(dir, 'agents'), '--host', '127.0.0.1', '--port', String(port)].concat([
          '--allow_origins',
          origin,
        ]),
      ];
  let log = '';
  const proc: ChildProcess = spawn(args[0] as string, args[1] as string[], { env });
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    proc.kill('SIGTERM');
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/list-apps`);
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(`the ADK server did not start:\n${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, emulator, close };
}
