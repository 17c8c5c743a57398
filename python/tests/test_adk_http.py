"""``protect_adk`` around a REAL google-adk app (tests/adk_server.py), HTTP side: the ticket
endpoint, the session REST routes with valid, missing, expired, reused, forged and misbound
tickets, path tricks, and ADK's other routes."""

from __future__ import annotations

import time

import httpx
from adk_server import (
    ALICE,
    ORIGIN,
    OTHER_ORIGIN,
    SECRET,
    Server,
    alice_ticket,
    session_url,
    ticket_for,
)

from live_agent_server import TicketScope, TicketSigner

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
