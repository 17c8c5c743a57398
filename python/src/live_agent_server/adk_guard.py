"""A guard for the FastAPI app ADK builds (``get_fast_api_app``), whose ``/run_live`` socket and
session REST routes have no authentication: a ticket endpoint where your ``authorize`` hook decides
who may talk to which app, user and session, and ASGI middleware that lets through only requests
carrying a valid ticket (``?ticket=``), refuses everything else ADK serves, and enforces the origin
allow-list on the socket too. The ticket is removed from the request before ADK or a server's
access log sees it.
"""

from __future__ import annotations

import logging
import re
import secrets as _secrets
from collections.abc import Mapping, Sequence
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .adk_tickets_endpoint import TicketAuthorize, TicketAuthorizeResult, ticket_endpoint
from .rate_limit import RateLimit, RateLimiter
from .scrub import scrub_ticket
from .tickets import ReplayCache, TicketError, TicketScope, TicketSigner
from .token_route import _origin_of, cors_headers, error_response

__all__ = ["AdkGuard", "TicketAuthorize", "TicketAuthorizeResult", "TicketLogFilter", "protect_adk"]

# ADK's session routes, with or without a session id, and anything under a session.
_SESSION_PATH = re.compile(r"^/apps/([^/]+)/users/([^/]+)/sessions(?:/([^/]+))?(?:/.*)?$")
_BOUND_PARAMS = ("app_name", "user_id", "session_id")
# uvicorn's own loggers (a logger's filters do not see its children's records, so this list is
# exact; add TicketLogFilter to your handlers for anything else that logs URLs).
_LOGGERS = ("uvicorn.access", "uvicorn.error")


class TicketLogFilter(logging.Filter):
    """Scrubs ``ticket=`` values from log records (belt and braces: the guard already removes
    the ticket from the request before the server's access log reads it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub_ticket(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub_ticket(a) if isinstance(a, str) else a for a in record.args)
        return True


def _take_ticket(scope: Scope) -> str | None:
    """Removes ``ticket`` from the query string in place (the server's access log reads the same
    scope dict later) and returns it."""
    raw = scope.get("query_string", b"")
    if b"ticket" not in raw:
        return None
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    tickets = [v for k, v in pairs if k == "ticket"]
    scope["query_string"] = urlencode([(k, v) for k, v in pairs if k != "ticket"]).encode("latin-1")
    # Two tickets are ambiguous: refuse rather than pick one.
    return tickets[0] if len(tickets) == 1 else ""


def _route_path(scope: Scope) -> str:
    """The path ADK's router matches: without FastAPI's ``root_path`` (``url_prefix``), the same
    rule as Starlette's routing, so the guard and ADK never disagree about which route it is."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("/", ""):
        return path[len(root) :] or "/"
    return path


class AdkGuard:
    """ASGI middleware; see :func:`protect_adk` for the rules."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        signer: TicketSigner,
        allowed_origins: Sequence[str],
        authorize: TicketAuthorize,
        ticket_path: str = "/live-agent/ticket",
        open_paths: Sequence[str] = ("/health", "/version"),
        rate_limit: RateLimit | Literal[False] = RateLimit(60_000, 30),
        trust_proxy: int = 0,
    ) -> None:
        self.app = app
        self.trust_proxy = trust_proxy
        self.signer = signer
        self.allowed_origins = list(allowed_origins)
        self.authorize = authorize
        self.ticket_path = ticket_path
        self.open_paths = set(open_paths)
        self.limiter = None if rate_limit is False else RateLimiter(rate_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        ticket = _take_ticket(scope)
        path = _route_path(scope)
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send, path, ticket)
            return
        request = Request(scope, receive)
        origin = request.headers.get("origin")
        if origin is None and request.headers.get("sec-fetch-site") == "same-origin":
            # Browsers send no Origin on same-origin GETs; Sec-Fetch-Site (which page scripts
            # cannot set) says where the call came from. Other clients could forge either.
            origin = _origin_of(request)
        cors = cors_headers(origin, self.allowed_origins, request)
        if path == self.ticket_path:
            response = await ticket_endpoint(
                request, cors, self.signer, self.authorize, self.limiter, self.trust_proxy
            )
        elif path in self.open_paths:
            response = None
        elif request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            # CORS preflight: ADK's CORS middleware (allow_origins) answers it; no endpoint runs.
            response = None
        elif cors is None:
            response = error_response(403, "origin-not-allowed", "Origin not allowed", {})
        else:
            match = _SESSION_PATH.match(path)
            if match is None:
                response = error_response(403, "not-exposed", "Not exposed by the guard", cors)
            else:
                app_name, user_id, session_id = match.groups()
                response = self._check(ticket, app_name, user_id, session_id, origin, cors)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _check(
        self,
        ticket: str | None,
        app_name: str,
        user_id: str,
        session_id: str | None,
        origin: str | None,
        cors: Mapping[str, str],
    ) -> Response | None:
        try:
            granted = self.signer.redeem(
                ticket, TicketScope(app_name, user_id, session_id or "", origin)
            )
        except TicketError as error:
            if session_id is None and error.code == "ticket-session":
                # Listing or creating with a server-chosen id would escape the session binding.
                message = "Ticket is bound to a session: use /sessions/{sessionId}"
                return error_response(403, error.code, message, cors)
            return error_response(error.status, error.code, error.message, cors)
        del granted
        return None

    async def _socket(
        self, scope: Scope, receive: Receive, send: Send, path: str, ticket: str | None
    ) -> None:
        conn = HTTPConnection(scope)
        origin = conn.headers.get("origin")
        reason: str | None = None
        if path != "/run_live":
            reason = "Not exposed by the guard"
        elif cors_headers(origin, self.allowed_origins, conn) is None:
            reason = "Origin not allowed"
        elif any(len(conn.query_params.getlist(k)) > 1 for k in _BOUND_PARAMS):
            # Which of two user_ids would ADK take? Refuse rather than depend on the answer.
            reason = "Repeated app_name, user_id or session_id"
        else:
            q = conn.query_params
            want = TicketScope(
                q.get("app_name", ""), q.get("user_id", ""), q.get("session_id", ""), origin
            )
            try:
                self.signer.redeem(ticket, want)
            except TicketError as error:
                reason = error.message
        if reason is None:
            await self.app(scope, receive, send)
            return
        # Accept, then close 1008 with the reason: a refused handshake reaches a browser as a
        # bare 1006, and the page should be able to say "ticket expired" rather than guess.
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1008, "reason": reason})


def protect_adk(
    app: Any,
    *,
    allowed_origins: Sequence[str],
    authorize: TicketAuthorize,
    ticket_ttl_s: float = 60,
    secret: bytes | str | None = None,
    ticket_path: str = "/live-agent/ticket",
    open_paths: Sequence[str] = ("/health", "/version"),
    rate_limit: RateLimit | Literal[False] = RateLimit(60_000, 30),
    replay_cache: ReplayCache | None = None,
    scrub_logs: bool = True,
    trust_proxy: int = 0,
) -> Any:
    """Guards ADK's FastAPI app in place (call before the server starts) and returns it.

    - ``POST {ticket_path}`` with ``{appName, userId, sessionId?}`` (no sessionId: the guard picks
      one) runs ``authorize(request, scope)`` and answers ``{ticket, expiresAt, appName, userId,
      sessionId}``. The ticket is signed, expires after ``ticket_ttl_s``, admits ONE request, and is
      bound to the app, user, session and the page's Origin.
    - ``/run_live?…&ticket=`` and ``/apps/{app}/users/{user}/sessions/{session}…?ticket=`` need a
      ticket for exactly those ids: sockets without one are closed 1008 with the reason, HTTP gets
      401/403 ``{error:{code,message}}``. Socket origins must be in ``allowed_origins`` (or the
      server's own); requests without an Origin header need a ticket issued without one.
    - Everything else ADK serves (run, run_sse, eval, builder, dev UI…) is refused with 403
      except ``open_paths`` and CORS preflights.

    ``secret``: ≥ 32 bytes, shared by every worker that must accept the same tickets; None makes a
    random per-process secret. ``replay_cache``: share one across workers (default: in memory).
    ``trust_proxy``: the ticket rate limit's key, as for :func:`create_token_route`.
    Also pass ``allow_origins`` to ``get_fast_api_app`` so ADK's own CORS and origin check agree.
    """
    signer = TicketSigner(
        secret if secret is not None else _secrets.token_bytes(32), ticket_ttl_s, replay_cache
    )
    app.add_middleware(
        AdkGuard,
        signer=signer,
        allowed_origins=allowed_origins,
        authorize=authorize,
        ticket_path=ticket_path,
        open_paths=open_paths,
        rate_limit=rate_limit,
        trust_proxy=trust_proxy,
    )
    if scrub_logs:
        for name in _LOGGERS:
            logger = logging.getLogger(name)
            if not any(isinstance(f, TicketLogFilter) for f in logger.filters):
                logger.addFilter(TicketLogFilter())
    return app
