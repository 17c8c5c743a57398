"""The ticket endpoint of the ADK guard: ``POST {ticket_path}`` with ``{appName, userId,
sessionId?}`` runs the app's ``authorize`` hook and answers a signed, single-use ticket."""

from __future__ import annotations

import inspect
import json
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from typing import Any, Union

from starlette.requests import Request
from starlette.responses import Response

from .rate_limit import RateLimiter
from .tickets import TicketScope, TicketSigner
from .token_route import Deny, default_client_key, error_response, post_gate

TicketAuthorizeResult = Union[bool, Deny, TicketScope, Mapping[str, Any]]
"""True (grant what was asked), False (401), :class:`Deny`, or a :class:`TicketScope` to grant
instead (e.g. the signed-in user's id in place of the one the page asked for)."""

TicketAuthorize = Callable[
    [Request, TicketScope], TicketAuthorizeResult | Awaitable[TicketAuthorizeResult]
]

# App, user and session ids a ticket may name: no path separators, no control characters.
_ID = re.compile(r"^[A-Za-z0-9._:@+=-]{1,128}$")
_MAX_BODY = 16 * 1024


async def ticket_endpoint(
    request: Request,
    cors: dict[str, str] | None,
    signer: TicketSigner,
    authorize: TicketAuthorize,
    limiter: RateLimiter | None,
    trust_proxy: int = 0,
) -> Response:
    """``POST {ticket_path}``: ``{appName, userId, sessionId?}`` -> authorize -> a signed ticket."""
    if cors is None:
        return error_response(403, "origin-not-allowed", "Origin not allowed", {})

    def key(r: Request) -> str:
        return default_client_key(r, trust_proxy)

    refused = post_gate(request, cors, limiter, key, "ticket")
    if refused is not None:
        return refused
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > _MAX_BODY:
            return error_response(413, "too-large", "Body too large", cors)
    try:
        body = json.loads(raw or b"{}")
        if not isinstance(body, dict):
            raise ValueError
        asked = TicketScope(
            _valid_id(body.get("appName")),
            _valid_id(body.get("userId")),
            _valid_id(body.get("sessionId"), default=uuid.uuid4().hex),
            request.headers.get("origin"),
        )
    except ValueError:
        return error_response(
            400,
            "bad-request",
            "Body must be JSON {appName, userId, sessionId?} with ids of 1-128 of A-Z a-z 0-9 . _ : @ + = -",
            cors,
        )
    granted = await _authorize(authorize, request, asked)
    if isinstance(granted, Deny):
        code = "unauthorized" if granted.status == 401 else "forbidden"
        default = "Not signed in" if granted.status == 401 else "Not allowed"
        return error_response(granted.status, code, granted.message or default, cors)
    ticket, expires_at = signer.issue(granted)
    payload = {
        "ticket": ticket,
        "expiresAt": datetime.fromtimestamp(expires_at, timezone.utc)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "appName": granted.app_name,
        "userId": granted.user_id,
        "sessionId": granted.session_id,
    }
    return Response(
        json.dumps(payload, separators=(",", ":")),
        headers={**cors, "content-type": "application/json", "cache-control": "no-store"},
    )


async def _authorize(
    authorize: TicketAuthorize, request: Request, asked: TicketScope
) -> TicketScope | Deny:
    verdict = authorize(request, asked)
    if inspect.isawaitable(verdict):
        verdict = await verdict
    if verdict is True:
        return asked
    if isinstance(verdict, TicketScope):
        # The hook may change app, user or session, never the origin the ticket is bound to.
        try:
            for value in (verdict.app_name, verdict.user_id, verdict.session_id):
                _valid_id(value)
        except ValueError:
            return Deny(403, "Not allowed")
        return TicketScope(verdict.app_name, verdict.user_id, verdict.session_id, asked.origin)
    if isinstance(verdict, Deny):
        return verdict
    if isinstance(verdict, Mapping) and verdict.get("status") in (401, 403):
        message = verdict.get("message")
        return Deny(verdict["status"], message if isinstance(message, str) else None)
    if verdict is False or verdict is None:
        return Deny(401)
    return Deny(403, "Not allowed")


def _valid_id(value: object, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(value)
    return value
