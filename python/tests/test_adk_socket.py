"""``protect_adk`` around a REAL google-adk app (tests/adk_server.py), socket side: /run_live
refused with 1008 for every bad ticket and origin, a valid ticket through to ADK and the model
(the emulator), logs without tickets, one use under concurrency, and ADK's url_prefix."""

from __future__ import annotations

import concurrent.futures
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from adk_server import (
    ORIGIN,
    OTHER_ORIGIN,
    SECRET,
    Server,
    alice_ticket,
    serve,
    session_url,
    write_agents,
    ws_close,
)
from conftest import Emulator
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from live_agent_server import TicketScope, TicketSigner

# --- /run_live ---------------------------------------------------------------------------------


def test_repeated_ids_on_the_socket_are_refused(adk: Server) -> None:
    q = f"app_name=echo_agent&user_id=alice&user_id=bob&session_id=s1&ticket={alice_ticket(adk)}"
    with connect(f"{adk.ws}/run_live?{q}", origin=ORIGIN) as ws:  # type: ignore[arg-type]
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        1008,
        "Repeated app_name, user_id or session_id",
    )


def test_sockets_without_a_valid_ticket_are_closed_1008(adk: Server) -> None:
    expired = TicketSigner(SECRET, 60, now=lambda: time.time() - 120).issue(
        TicketScope("echo_agent", "alice", "s1", ORIGIN)
    )[0]
    forged = TicketSigner(b"y" * 32).issue(TicketScope("echo_agent", "alice", "s1", ORIGIN))[0]
    used = alice_ticket(adk)
    assert httpx.get(session_url(adk, used), headers={"origin": ORIGIN}).status_code in (200, 404)
    cases = {
        "no ticket": (ws_close(adk, None), "Ticket required"),
        "expired": (ws_close(adk, expired), "Ticket expired"),
        "forged": (ws_close(adk, forged), "Ticket invalid"),
        "reused": (ws_close(adk, used), "Ticket already used"),
        "wrong user": (
            ws_close(adk, alice_ticket(adk), user="bob"),
            "Ticket not valid for this user",
        ),
        "wrong app": (
            ws_close(adk, alice_ticket(adk), app="other_agent"),
            "Ticket not valid for this app",
        ),
        "wrong session": (
            ws_close(adk, alice_ticket(adk), session="s2"),
            "Ticket not valid for this session",
        ),
        "wrong origin": (
            ws_close(adk, alice_ticket(adk), origin=OTHER_ORIGIN),
            "Ticket not valid for this origin",
        ),
        "no origin": (
            ws_close(adk, alice_ticket(adk), origin=None),
            "Ticket not valid for this origin",
        ),
        "foreign origin": (
            ws_close(adk, alice_ticket(adk), origin="http://evil.test"),
            "Origin not allowed",
        ),
        "other socket path": (
            ws_close(adk, alice_ticket(adk), path="/run_live2"),
            "Not exposed by the guard",
        ),
    }
    for name, ((code, reason, frames), want) in cases.items():
        assert (code, reason, frames) == (1008, want, []), name


def test_a_valid_ticket_reaches_adk_which_reports_an_unknown_session(adk: Server) -> None:
    # Proof that ADK itself handled the socket: the 1002 comes from ADK's run_live, not the guard.
    t = alice_ticket(adk, session="never-created")
    assert ws_close(adk, t, session="never-created")[:2] == (1002, "Session not found")


def test_no_ticket_reaches_a_log_line(adk: Server) -> None:
    t = alice_ticket(adk)
    httpx.get(session_url(adk, t), headers={"origin": ORIGIN})
    httpx.get(session_url(adk, t), headers={"origin": ORIGIN})  # refused: reused
    ws_close(adk, alice_ticket(adk, session="never-created"), session="never-created")
    ws_close(adk, "forged." + t.split(".")[1])
    time.sleep(0.2)
    text = "\n".join(adk.logs.lines)
    assert "/apps/echo_agent/users/alice/sessions/s1" in text  # the access log did log the call
    assert "run_live" in text
    sig = t.split(".")[1]
    assert sig not in text and t.split(".")[0] not in text
    assert "ticket=" not in text


def test_tickets_are_one_use_under_concurrency(adk: Server) -> None:

    t = alice_ticket(adk)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(
                lambda _: httpx.get(session_url(adk, t), headers={"origin": ORIGIN}).status_code,
                range(8),
            )
        )
    assert sum(s != 401 for s in statuses) == 1, statuses


def test_a_valid_ticket_lets_the_socket_through_to_adk_and_the_model(
    adk: Server, emulator: Emulator
) -> None:
    """The whole chain behind the guard: page socket -> guard -> ADK's /run_live -> ADK's Live
    session on the emulator (the model) -> the spoken answer back as ADK events."""
    session = "live1"
    created = httpx.post(
        session_url(adk, alice_ticket(adk, session), session), json={}, headers={"origin": ORIGIN}
    )
    assert created.status_code == 200
    q = f"app_name=echo_agent&user_id=alice&session_id={session}&modalities=AUDIO&ticket={alice_ticket(adk, session)}"
    events: list[dict[str, Any]] = []
    with connect(f"{adk.ws}/run_live?{q}", origin=ORIGIN, open_timeout=10) as ws:  # type: ignore[arg-type]
        ws.send(json.dumps({"content": {"role": "user", "parts": [{"text": "hello there"}]}}))
        while not events or "turnComplete" not in events[-1]:
            events.append(json.loads(ws.recv(timeout=20)))
        assert httpx.get(f"{emulator.url.rstrip('/')}/health").json()["sessions"] >= 1
    assert all(e["author"] == "echo_agent" for e in events)
    said = [
        e["outputTranscription"]["text"]
        for e in events
        if e.get("outputTranscription", {}).get("finished")
    ]
    assert said == ["You said: hello there"]  # the emulator's built-in reply, relayed by ADK
    audio = [p for e in events for p in e.get("content", {}).get("parts", []) if "inlineData" in p]
    assert audio and audio[0]["inlineData"]["mimeType"].startswith("audio/pcm")


def test_under_adk_url_prefix(tmp_path: Path, emulator: Emulator, vectors: dict[str, Any]) -> None:
    """get_fast_api_app(url_prefix=...): the guard matches the routes as ADK's router does."""
    agents = write_agents(tmp_path)
    with serve(agents, emulator.url, vectors["keys"]["good"], url_prefix="/adk") as adk:
        prefixed = Server(adk.base + "/adk", adk.ws + "/adk", adk.logs)
        t = alice_ticket(prefixed, "s9")
        r = httpx.post(session_url(prefixed, t, "s9"), json={}, headers={"origin": ORIGIN})
        assert r.status_code == 200 and r.json()["id"] == "s9", r.text
        bare = httpx.get(session_url(prefixed, None, "s9"), headers={"origin": ORIGIN})
        assert bare.json()["error"]["code"] == "ticket-missing"
        assert ws_close(prefixed, None, session="s9")[:2] == (1008, "Ticket required")
