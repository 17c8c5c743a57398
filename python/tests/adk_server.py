"""A real ADK FastAPI app (google-adk's ``get_fast_api_app``) with a tiny agent written to a temp
directory, guarded by ``protect_adk`` and served by uvicorn on a free loopback port in a thread."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.requests import Request
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from live_agent_server import Deny, TicketScope, protect_adk

ORIGIN = "http://app.test:5173"
OTHER_ORIGIN = "http://other.test:5173"  # also allowed: for tickets used from the wrong page
SECRET = b"s" * 32
AGENT = '''
import datetime
from google.adk.agents import Agent

# A Gemini 3.x Live name makes ADK send send_realtime_input(text=/audio=), which the emulator
# answers; older names make it send realtime_input.mediaChunks, which the emulator refuses (1007).
MODEL = "gemini-3.8-live"

def get_time() -> dict:
    """Returns the current local time of the agent server."""
    return {"time": datetime.datetime.now().strftime("%H:%M")}

root_agent = Agent(name="echo_agent", model=MODEL,
                   instruction="You are a helpful voice assistant.", tools=[get_time])
'''


def authorize(request: Request, scope: TicketScope) -> bool | Deny:
    """The app's rule: 'Bearer NAME' signs in as NAME, who may use echo_agent as themselves."""
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer "):
        return False
    if auth[7:] != scope.user_id:
        return Deny(403, "Not your user")
    if scope.app_name not in ("echo_agent", "other_agent"):
        return Deny(403, "No such agent")
    return True


class Capture(logging.Handler):
    """Every log line the process writes while the server runs, formatted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # The test's own clients log the URLs they request: only the server side counts.
        if not record.name.startswith(("httpx", "httpcore", "websockets.client")):
            self.lines.append(self.format(record))


@dataclass
class Server:
    base: str
    ws: str
    logs: Capture
    tmp: Path = field(default_factory=Path)


def write_agents(root: Path) -> Path:
    for name in ("echo_agent", "other_agent"):
        (root / name).mkdir(parents=True, exist_ok=True)
        (root / name / "__init__.py").write_text("from . import agent\n")
        (root / name / "agent.py").write_text(AGENT.replace('name="echo_agent"', f'name="{name}"'))
    return root


@contextmanager
def serve(
    agents_dir: Path, model_url: str, api_key: str, ttl: float = 60, url_prefix: str | None = None
) -> Iterator[Server]:
    os.environ["GOOGLE_API_KEY"] = api_key
    os.environ["GOOGLE_GENAI_USE_VERTEXAI"] = "false"
    os.environ["GOOGLE_GEMINI_BASE_URL"] = model_url
    from google.adk.cli.fast_api import get_fast_api_app

    app = get_fast_api_app(
        agents_dir=str(agents_dir),
        web=False,
        session_service_uri="memory://",
        artifact_service_uri="memory://",
        memory_service_uri="memory://",
        use_local_storage=False,
        allow_origins=[ORIGIN, OTHER_ORIGIN],
        url_prefix=url_prefix,
    )
    protect_adk(
        app,
        allowed_origins=[ORIGIN, OTHER_ORIGIN],
        authorize=authorize,
        ticket_ttl_s=ttl,
        secret=SECRET,
        rate_limit=False,
        # Off, so the log test proves the primary defence: the ticket leaves the request before
        # uvicorn's access log or ADK reads it (the filter is tested on its own).
        scrub_logs=False,
    )
    logs = Capture()
    root = logging.getLogger()
    root.addHandler(logs)
    root.setLevel(logging.INFO)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, access_log=True, ws="websockets-sansio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("ADK server did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", logs, agents_dir)
    finally:
        server.should_exit = True
        thread.join(10)
        root.removeHandler(logs)
        sock.close()


# --- client helpers for the tests ---------------------------------------------------------------

ALICE = {"authorization": "Bearer alice", "origin": ORIGIN}


def ticket_for(
    adk: Server, body: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    r = httpx.post(f"{adk.base}/live-agent/ticket", json=body, headers=headers or ALICE)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def alice_ticket(adk: Server, session: str = "s1", app: str = "echo_agent") -> str:
    return str(ticket_for(adk, {"appName": app, "userId": "alice", "sessionId": session})["ticket"])


def session_url(
    adk: Server,
    ticket: str | None,
    session: str = "s1",
    user: str = "alice",
    app: str = "echo_agent",
) -> str:
    q = "" if ticket is None else f"?ticket={ticket}"
    return f"{adk.base}/apps/{app}/users/{user}/sessions/{session}{q}"


def ws_close(
    adk: Server,
    ticket: str | None,
    origin: str | None = ORIGIN,
    session: str = "s1",
    user: str = "alice",
    app: str = "echo_agent",
    path: str = "/run_live",
    send: str | None = None,
) -> tuple[int, str, list[str]]:
    """Opens a socket, optionally sends one frame, and returns the close code, reason and frames."""
    q = f"app_name={app}&user_id={user}&session_id={session}&modalities=AUDIO"
    if ticket is not None:
        q += f"&ticket={ticket}"
    frames: list[str] = []
    with connect(f"{adk.ws}{path}?{q}", origin=origin, open_timeout=10) as ws:  # type: ignore[arg-type]
        if send is not None:
            ws.send(send)
        try:
            while True:
                frames.append(str(ws.recv(timeout=20)))
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code, closed.rcvd.reason, frames
        except TimeoutError:
            return -1, "still open", frames
