"""``protect_adk`` around a REAL google-adk app (tests/adk_server.py): the ticket endpoint, the
session REST routes and ``/run_live`` with valid, missing, expired, reused, forged and misbound
tickets, origins, ADK's other routes, and that no ticket reaches a log line."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from adk_server import ORIGIN, OTHER_ORIGIN, SECRET, Server, serve, write_agents
from conftest import Emulator
from tls_pipe import tls_pipe
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from live_agent_server import TicketScope, TicketSigner

ALICE = {"authorization": "Bearer alice", "origin": ORIGIN}


@pytest.fixture(scope="module")
def adk(
    tmp_path_factory: pytest.TempPathFactory, emulator: Emulator, vectors: dict[str, Any]
) -> Iterator[Server]:
    agents = write_agents(tmp_path_factory.mktemp("agents"))
    port = int(emulator.url.rsplit(":", 1)[1].strip("/"))
    with tls_pipe(port, tmp_path_factory.mktemp("tls")) as (tls_port, cert):
        os.environ["SSL_CERT_FILE"] = str(cert)
        with serve(agents, f"https://127.0.0.1:{tls_port}", vectors["keys"]["good"]) as server:
            yield server


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


# --- the ticket endpoint ---------------------------------------------------------------------


def test_ticket_endpoint_runs_authorize(adk: Server) -> None:
    url = f"{adk.base}/live-agent/ticket"
    body = {"appName": "echo_agent", "userId": "alice", "sessionId": "s1"}
    anon = httpx.post(url, json=body, headers={"origin": ORIGIN})
    assert anon.status_code == 401
    assert anon.json()["error"]["code"] == "unauthorized"
    other = httpx.post(url, json={**body, "userId": "bob"}, headers=ALICE)
    assert (other.status_code, other.json()["error"]["message"]) == (403, "Not your user")
    evil = httpx.post(url, json=body, headers={**ALICE, "origin": "http://evil.test"})
    assert (evil.status_code, evil.json()["error"]["code"]) == (403, "origin-not-allowed")
    assert httpx.get(url, headers=ALICE).status_code == 405
    for bad in ({"appName": "../x", "userId": "alice"}, {"userId": "alice"}, [1]):
        r = httpx.post(url, json=bad, headers=ALICE)
        assert (r.status_code, r.json()["error"]["code"]) == (400, "bad-request")
    ok = httpx.post(url, json=body, headers=ALICE)
    assert ok.status_code == 200
    assert ok.headers["cache-control"] == "no-store"
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    data = ok.json()
    assert {k: data[k] for k in ("appName", "userId", "sessionId")} == {
        "appName": "echo_agent",
        "userId": "alice",
        "sessionId": "s1",
    }
    pre = httpx.options(url, headers={"origin": ORIGIN, "access-control-request-method": "POST"})
    assert pre.status_code == 204


def test_ticket_endpoint_picks_a_session_id_when_none_is_asked(adk: Server) -> None:
    a = ticket_for(adk, {"appName": "echo_agent", "userId": "alice"})
    b = ticket_for(adk, {"appName": "echo_agent", "userId": "alice"})
    assert len(a["sessionId"]) == 32 and a["sessionId"] != b["sessionId"]


# --- session REST ------------------------------------------------------------------------------


def test_rest_session_calls_need_a_valid_ticket_and_reach_adk(adk: Server) -> None:
    bare = httpx.post(session_url(adk, None), json={}, headers={"origin": ORIGIN})
    assert (bare.status_code, bare.json()["error"]["code"]) == (401, "ticket-missing")
    created = httpx.post(session_url(adk, alice_ticket(adk)), json={}, headers={"origin": ORIGIN})
    assert created.status_code == 200, created.text
    assert created.json()["id"] == "s1" and created.json()["appName"] == "echo_agent"
    got = httpx.get(session_url(adk, alice_ticket(adk)), headers={"origin": ORIGIN})
    assert got.status_code == 200 and got.json()["userId"] == "alice"
    # A same-origin page: its GETs carry no Origin, only Sec-Fetch-Site.
    own = adk.base
    own_ticket = ticket_for(
        adk,
        {"appName": "echo_agent", "userId": "alice", "sessionId": "s1"},
        {"authorization": "Bearer alice", "origin": own},
    )["ticket"]
    same = httpx.get(session_url(adk, own_ticket), headers={"sec-fetch-site": "same-origin"})
    assert same.status_code == 200, same.text


def test_rest_refuses_reused_expired_forged_and_misbound_tickets(adk: Server) -> None:
    h = {"origin": ORIGIN}
    t = alice_ticket(adk)
    assert httpx.get(session_url(adk, t), headers=h).status_code in (200, 404)
    cases: dict[str, tuple[httpx.Response, int, str]] = {}

    def check(name: str, r: httpx.Response, status: int, code: str) -> None:
        cases[name] = (r, status, code)

    check("reused", httpx.get(session_url(adk, t), headers=h), 401, "ticket-reused")
    expired = TicketSigner(SECRET, 60, now=lambda: time.time() - 120).issue(
        TicketScope("echo_agent", "alice", "s1", ORIGIN)
    )[0]
    check("expired", httpx.get(session_url(adk, expired), headers=h), 401, "ticket-expired")
    other_secret = TicketSigner(b"x" * 32).issue(TicketScope("echo_agent", "alice", "s1", ORIGIN))[
        0
    ]
    check(
        "other secret", httpx.get(session_url(adk, other_secret), headers=h), 401, "ticket-invalid"
    )
    body, _, mac = alice_ticket(adk).partition(".")
    forged_body = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    check(
        "forged payload",
        httpx.get(session_url(adk, f"{forged_body}.{mac}"), headers=h),
        401,
        "ticket-invalid",
    )
    check("garbage", httpx.get(session_url(adk, "not-a-ticket"), headers=h), 401, "ticket-invalid")
    check(
        "wrong user",
        httpx.get(session_url(adk, alice_ticket(adk), user="bob"), headers=h),
        403,
        "ticket-user",
    )
    check(
        "wrong app",
        httpx.get(session_url(adk, alice_ticket(adk), app="other_agent"), headers=h),
        403,
        "ticket-app",
    )
    check(
        "wrong session",
        httpx.get(session_url(adk, alice_ticket(adk), session="s2"), headers=h),
        403,
        "ticket-session",
    )
    check(
        "wrong origin",
        httpx.get(session_url(adk, alice_ticket(adk)), headers={"origin": OTHER_ORIGIN}),
        403,
        "ticket-origin",
    )
    check("no origin", httpx.get(session_url(adk, alice_ticket(adk))), 403, "ticket-origin")
    check(
        "foreign origin",
        httpx.get(session_url(adk, alice_ticket(adk)), headers={"origin": "http://evil.test"}),
        403,
        "origin-not-allowed",
    )
    two = f"{alice_ticket(adk)}&ticket={alice_ticket(adk)}"
    check("two tickets", httpx.get(session_url(adk, two), headers=h), 401, "ticket-missing")
    lst = httpx.get(
        f"{adk.base}/apps/echo_agent/users/alice/sessions?ticket={alice_ticket(adk)}", headers=h
    )
    check("list sessions", lst, 403, "ticket-session")
    new = httpx.post(
        f"{adk.base}/apps/echo_agent/users/alice/sessions?ticket={alice_ticket(adk)}",
        json={},
        headers=h,
    )
    check("create without id", new, 403, "ticket-session")
    for name, (r, status, code) in cases.items():
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), f"{name}: {r.text}"
        assert "Session" not in r.text or code == "ticket-session", (
            name
        )  # the guard answered, not ADK


def test_path_tricks_do_not_escape_the_binding(adk: Server) -> None:
    h = {"origin": ORIGIN}
    for path in [
        "/apps/echo_agent/users/alice%2F..%2Fbob/sessions/s1",
        "/apps/echo_agent/users/bob/sessions/s1%2F..%2F..%2F..%2Falice%2Fsessions%2Fs1",
        "//apps/echo_agent/users/alice/sessions/s1",
        "/APPS/echo_agent/users/alice/sessions/s1",
    ]:
        r = httpx.get(f"{adk.base}{path}?ticket={alice_ticket(adk)}", headers=h)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["error"]["code"] in ("not-exposed", "ticket-user"), path
    # A ticket in the path segment or a header is not a ticket.
    r = httpx.get(session_url(adk, None), headers={**h, "ticket": alice_ticket(adk)})
    assert r.json()["error"]["code"] == "ticket-missing"


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


def test_ticket_endpoint_refuses_huge_bodies(adk: Server) -> None:
    big = {"appName": "echo_agent", "userId": "alice", "pad": "x" * 20_000}
    r = httpx.post(f"{adk.base}/live-agent/ticket", json=big, headers=ALICE)
    assert (r.status_code, r.json()["error"]["code"]) == (413, "too-large")


def test_a_refused_ticket_is_spent(adk: Server) -> None:
    t = alice_ticket(adk)
    assert httpx.get(session_url(adk, t, user="bob"), headers={"origin": ORIGIN}).status_code == 403
    again = httpx.get(session_url(adk, t), headers={"origin": ORIGIN})
    assert again.json()["error"]["code"] == "ticket-reused"


def test_other_adk_routes_are_not_exposed(adk: Server) -> None:
    h = {"origin": ORIGIN}
    for method, path in [
        ("GET", "/list-apps"),
        ("POST", "/run"),
        ("POST", "/run_sse"),
        ("GET", "/apps/echo_agent/app-info"),
        ("POST", "/builder/save"),
        ("GET", "/dev-ui/"),
        ("GET", "/apps/echo_agent/eval-sets"),
    ]:
        r = httpx.request(
            method, f"{adk.base}{path}?ticket={alice_ticket(adk)}", headers=h, json={}
        )
        assert (r.status_code, r.json()["error"]["code"]) == (403, "not-exposed"), path
    assert httpx.get(f"{adk.base}/health").status_code == 200  # open path, answered by ADK


# --- /run_live ---------------------------------------------------------------------------------


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
    import concurrent.futures

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
