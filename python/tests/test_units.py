"""The pieces without a server: tickets, the query scrub, the rate limiter, secret scrubbing."""

from __future__ import annotations

import pytest

from live_agent_server import (
    RateLimit,
    RateLimiter,
    TicketError,
    TicketScope,
    TicketSigner,
    scrub_secret,
    scrub_ticket,
)
from live_agent_server.adk_guard import _take_ticket

SCOPE = TicketScope("app", "alice", "s1", "https://app.example")


def test_ticket_round_trip_and_single_use() -> None:
    signer = TicketSigner(b"k" * 32, ttl_s=60)
    ticket, _expires = signer.issue(SCOPE)
    assert signer.redeem(ticket, SCOPE).scope == SCOPE
    with pytest.raises(TicketError) as again:
        signer.redeem(ticket, SCOPE)
    assert again.value.code == "ticket-reused"


def test_ticket_expiry_follows_the_clock() -> None:
    now = [1000.0]
    signer = TicketSigner(b"k" * 32, ttl_s=60, now=lambda: now[0])
    ticket, expires = signer.issue(SCOPE)
    assert expires == 1060.0
    now[0] = 1060.0
    with pytest.raises(TicketError) as late:
        signer.redeem(ticket, SCOPE)
    assert (late.value.code, late.value.status) == ("ticket-expired", 401)


@pytest.mark.parametrize(
    "want, code",
    [
        (TicketScope("other", "alice", "s1", "https://app.example"), "ticket-app"),
        (TicketScope("app", "bob", "s1", "https://app.example"), "ticket-user"),
        (TicketScope("app", "alice", "s2", "https://app.example"), "ticket-session"),
        (TicketScope("app", "alice", "s1", "https://evil.example"), "ticket-origin"),
        (TicketScope("app", "alice", "s1", None), "ticket-origin"),
    ],
)
def test_ticket_binding(want: TicketScope, code: str) -> None:
    signer = TicketSigner(b"k" * 32)
    with pytest.raises(TicketError) as refused:
        signer.redeem(signer.issue(SCOPE)[0], want)
    assert (refused.value.code, refused.value.status) == (code, 403)


@pytest.mark.parametrize("ticket", ["", "abc", "abc.def", ".", "a.b.c", "eyJ2IjoxfQ.AAAA"])
def test_malformed_tickets_are_invalid(ticket: str) -> None:
    with pytest.raises(TicketError) as refused:
        TicketSigner(b"k" * 32).redeem(ticket, SCOPE)
    assert refused.value.code in ("ticket-invalid", "ticket-missing")


def test_signed_but_malformed_payload_is_invalid() -> None:
    signer = TicketSigner(b"k" * 32)
    body = "eyJ2IjoxfQ"  # {"v":1}: correct signature, missing claims
    with pytest.raises(TicketError) as refused:
        signer.redeem(f"{body}.{signer._sign(body)}", SCOPE)
    assert refused.value.code == "ticket-invalid"


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError):
        TicketSigner(b"short")


def test_take_ticket_removes_it_from_the_scope() -> None:
    scope = {"query_string": b"app_name=a&ticket=T.S&user_id=u"}
    assert _take_ticket(scope) == "T.S"
    assert scope["query_string"] == b"app_name=a&user_id=u"
    two = {"query_string": b"ticket=a&ticket=b"}
    assert _take_ticket(two) == "" and two["query_string"] == b""
    assert _take_ticket({"query_string": b"x=1"}) is None


def test_rate_limiter_slides_its_window() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimit(10_000, 2), now=lambda: now[0])
    assert limiter.hit("a").ok
    now[0] = 4_000
    assert limiter.hit("a").ok
    now[0] = 6_000
    assert limiter.hit("a").retry_after_seconds == 4
    now[0] = 10_001
    assert limiter.hit("a").ok and not limiter.hit("a").ok and limiter.hit("b").ok


def test_scrubbing() -> None:
    key = "AIzaTEST-secret-key-0123456789abcdefghijk"
    out = scrub_secret(f"x?key={key}&alt=json {key} AIzaOTHERkeyOTHERkeyOTHERkey12", key)
    assert key not in out and "AIzaOTHER" not in out and "alt=json" in out
    assert (
        scrub_ticket("GET /run_live?a=1&ticket=abc.def&b=2")
        == "GET /run_live?a=1&ticket=[redacted]&b=2"
    )


def test_ticket_endpoint_rate_limit() -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from live_agent_server import AdkGuard

    guard = AdkGuard(
        Starlette(),
        signer=TicketSigner(b"k" * 32),
        allowed_origins=[],
        authorize=lambda request, scope: True,
        rate_limit=RateLimit(60_000, 2),
    )
    client = TestClient(guard)
    body = {"appName": "a", "userId": "u"}
    assert [client.post("/live-agent/ticket", json=body).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    limited = client.post("/live-agent/ticket", json=body)
    assert (
        limited.json()["error"]["code"] == "rate-limited"
        and int(limited.headers["retry-after"]) > 0
    )


def test_authorize_may_narrow_the_grant_but_not_the_origin() -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from live_agent_server import AdkGuard

    def hook(request: object, scope: TicketScope) -> TicketScope:
        return TicketScope(scope.app_name, "signed-in-user", "fixed", "https://evil.example")

    signer = TicketSigner(b"k" * 32)
    guard = AdkGuard(
        Starlette(), signer=signer, allowed_origins=["https://app.example"], authorize=hook
    )
    r = TestClient(guard).post(
        "/live-agent/ticket",
        json={"appName": "a", "userId": "u"},
        headers={"origin": "https://app.example"},
    )
    assert (r.json()["userId"], r.json()["sessionId"]) == ("signed-in-user", "fixed")
    granted = signer.redeem(
        r.json()["ticket"], TicketScope("a", "signed-in-user", "fixed", "https://app.example")
    )
    assert granted.scope.origin == "https://app.example"


def test_log_filter_scrubs_messages_and_arguments() -> None:
    import logging

    from live_agent_server import TicketLogFilter

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s"',
        ("127.0.0.1", "GET", "/run_live?app_name=a&ticket=abc.def"),
        None,
    )
    assert TicketLogFilter().filter(record)
    assert record.getMessage() == '127.0.0.1 - "GET /run_live?app_name=a&ticket=[redacted]"'


def test_guard_sees_the_path_the_router_sees_under_a_url_prefix() -> None:
    from live_agent_server.adk_guard import _route_path

    assert _route_path({"path": "/adk/apps/a/users/u/sessions/s", "root_path": "/adk"}) == (
        "/apps/a/users/u/sessions/s"
    )
    assert _route_path({"path": "/apps/a", "root_path": "/adk"}) == "/apps/a"  # proxy stripped it
    assert _route_path({"path": "/adkx/apps", "root_path": "/adk"}) == "/adkx/apps"
    assert _route_path({"path": "/adk", "root_path": "/adk"}) == "/"
