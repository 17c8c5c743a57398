"""The token endpoint for Starlette/FastAPI: mints single-use Gemini Live ephemeral tokens with
the model and config locked server-side. Same contract as the Node helper's ``createTokenHandler``
(the shared vectors in test/contract/token-route.vectors.json run against both); the API key
never leaves the server.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, Union

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import Route

from .rate_limit import RateLimit, RateLimiter
from .scrub import scrub_secret


@dataclass(frozen=True)
class Deny:
    """What an ``authorize`` hook returns to refuse with a status and a message for the client."""

    status: Literal[401, 403]
    message: str | None = None


AuthorizeResult = Union[bool, Deny, Mapping[str, Any]]
"""True/False, a :class:`Deny`, or ``{"status": 401|403, "message": ...}`` (the Node shape)."""

Authorize = Callable[[Request], AuthorizeResult | Awaitable[AuthorizeResult]]

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def default_client_key(request: HTTPConnection, trust_proxy: int = 0) -> str:
    """The rate-limit key: the socket's peer address (``request.client.host``); with
    ``trust_proxy`` = n proxies of yours in front, the address n hops from the right of
    ``X-Forwarded-For`` (fewer hops listed: the leftmost; none: the peer). Never the header's left
    end, which the client writes. Else ``"anonymous"``. Same rule as the Node ``defaultClientKey``.
    """
    peer = (request.client.host if request.client else "").strip() or "anonymous"
    if trust_proxy <= 0:
        return peer
    joined = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in joined.split(",") if hop.strip()]
    return hops[max(0, len(hops) - trust_proxy)] if hops else peer


def _iso(t: datetime) -> str:
    # JavaScript's toISOString(): milliseconds and a Z, so both helpers answer the same text.
    return t.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _origin_of(request: HTTPConnection) -> str:
    url = request.url
    default = {"http": 80, "https": 443}.get(url.scheme)
    port = "" if url.port in (None, default) else f":{url.port}"
    return f"{url.scheme}://{url.hostname}{port}"


def cors_headers(
    origin: str | None, allowed: Sequence[str] | str | None, request: HTTPConnection
) -> dict[str, str] | None:
    """CORS headers for an allowed origin, ``{}`` for same-origin or no Origin, None if refused.

    Explicit origins are echoed with credentials (so cookie-based ``authorize`` works); ``'*'`` is not.
    """
    if origin is None:
        return {}
    if allowed == "*" or (not isinstance(allowed, str) and allowed is not None and "*" in allowed):
        return {"access-control-allow-origin": "*"}
    if allowed is not None and not isinstance(allowed, str) and origin in allowed:
        return {
            "access-control-allow-origin": origin,
            "access-control-allow-credentials": "true",
            "vary": "Origin",
        }
    if origin == _origin_of(request):
        return {"vary": "Origin"}
    return None


def error_response(status: int, code: str, message: str, headers: Mapping[str, str]) -> Response:
    """The error shape of both helpers: ``{"error": {"code", "message"}}``, never cached."""
    return Response(
        json.dumps({"error": {"code": code, "message": message}}, separators=(",", ":")),
        status_code=status,
        headers={**headers, "content-type": "application/json", "cache-control": "no-store"},
    )


def post_gate(
    request: Request,
    cors: Mapping[str, str],
    limiter: RateLimiter | None,
    client_key: Callable[[Request], str],
    what: str,
) -> Response | None:
    """What every POST endpoint of ours answers, once the origin is allowed, before its own work:
    the CORS preflight (204), another method (405) or too many requests (429 + Retry-After). None
    lets the request through."""
    if request.method == "OPTIONS":
        return Response(
            status_code=204,
            headers={
                **cors,
                "access-control-allow-methods": "POST, OPTIONS",
                "access-control-allow-headers": request.headers.get(
                    "access-control-request-headers", "content-type"
                ),
                "access-control-max-age": "600",
            },
        )
    if request.method != "POST":
        return error_response(
            405, "method-not-allowed", "Use POST", {**cors, "allow": "POST, OPTIONS"}
        )
    if limiter is not None:
        verdict = limiter.hit(client_key(request))
        if not verdict.ok:
            return error_response(
                429,
                "rate-limited",
                f"Too many {what} requests",
                {**cors, "retry-after": str(verdict.retry_after_seconds)},
            )
    return None


async def run_authorize(hook: Authorize, request: Request) -> Deny | None:
    """Runs a sync or async hook; None means allowed."""
    verdict = hook(request)
    if inspect.isawaitable(verdict):
        verdict = await verdict
    if verdict is True:
        return None
    if verdict is False or verdict is None:
        return Deny(401)
    if isinstance(verdict, Deny):
        return verdict
    if isinstance(verdict, Mapping) and verdict.get("status") in (401, 403):
        message = verdict.get("message")
        return Deny(verdict["status"], message if isinstance(message, str) else None)
    # Anything else is a programming error: refuse rather than mint.
    return Deny(403, "Not allowed")


def create_token_route(
    *,
    api_key: str,
    model: str,
    config: Mapping[str, Any] | Any | None = None,
    uses: int = 1,
    expire_minutes: float = 30,
    new_session_expire_seconds: float = 60,
    allowed_origins: Sequence[str] | Literal["*"] | None = None,
    authorize: Authorize | None = None,
    rate_limit: RateLimit | Literal[False] = RateLimit(),
    client_key: Callable[[Request], str] | None = None,
    trust_proxy: int = 0,
    base_url: str | None = None,
    lock_additional_fields: Sequence[str] | Literal["all"] = (),
    path: str = "/api/live-token",
) -> Route:
    """Creates the token route (Starlette ``Route``; FastAPI: ``app.router.routes.append(route)``).

    ``config`` is a ``LiveConnectConfig`` or its dict (either casing). ``allowed_origins`` absent:
    same-origin only; requests without an Origin header (non-browser) pass. ``authorize`` may be
    sync or async and returns True, False (401) or :class:`Deny`. ``rate_limit``: per client key
    (default 10 a minute), False turns it off; the key is the socket's peer address, or with
    ``trust_proxy`` = n proxies of yours in front, the address n hops from the right of
    ``X-Forwarded-For`` (``client_key`` replaces the rule). ``base_url``: ``http://127.0.0.1:PORT`` mints against
    the emulator. ``lock_additional_fields``: ``()`` locks the model and the fields set in
    ``config``; ``"all"`` locks the whole setup; names lock those extra fields too.
    """
    if not api_key:
        raise ValueError("create_token_route: api_key is required")
    if not model:
        raise ValueError("create_token_route: model is required")
    if isinstance(trust_proxy, bool) or not isinstance(trust_proxy, int) or trust_proxy < 0:
        raise ValueError("create_token_route: trust_proxy is a number of proxies (an int >= 0)")

    def default_key(request: Request) -> str:
        return default_client_key(request, trust_proxy)

    key = client_key or default_key
    limiter = None if rate_limit is False else RateLimiter(rate_limit)
    client: Any = None
    live_config: Any = None
    if config is not None:
        from google.genai import types as _types

        # Validated once here, so a typo in the config fails at start-up, not per request.
        live_config = (
            _types.LiveConnectConfig.model_validate(dict(config))
            if isinstance(config, Mapping)
            else config
        )

    def get_client() -> Any:
        # Imported on first use so importing this module stays cheap.
        nonlocal client
        if client is None:
            from google import genai
            from google.genai import types

            options = types.HttpOptions(api_version="v1alpha", base_url=base_url)
            client = genai.Client(api_key=api_key, http_options=options)
        return client

    async def endpoint(request: Request) -> Response:
        origin = request.headers.get("origin")
        cors = cors_headers(origin, allowed_origins, request)
        if cors is None:
            return error_response(403, "origin-not-allowed", "Origin not allowed", {})
        refused = post_gate(request, cors, limiter, key, "token")
        if refused is not None:
            return refused
        if authorize is not None:
            denied = await run_authorize(authorize, request)
            if denied is not None:
                code = "unauthorized" if denied.status == 401 else "forbidden"
                default = "Not signed in" if denied.status == 401 else "Not allowed"
                return error_response(denied.status, code, denied.message or default, cors)

        now = datetime.now(timezone.utc)
        expire_time = now + timedelta(minutes=expire_minutes)
        new_session_expire_time = now + timedelta(seconds=new_session_expire_seconds)
        try:
            from google.genai import types

            created = await get_client().aio.auth_tokens.create(
                config=types.CreateAuthTokenConfig(
                    uses=uses,
                    expire_time=expire_time,
                    new_session_expire_time=new_session_expire_time,
                    live_connect_constraints=types.LiveConnectConstraints(
                        model=model, config=live_config
                    ),
                    lock_additional_fields=(
                        None if lock_additional_fields == "all" else list(lock_additional_fields)
                    ),
                )
            )
        except Exception as error:  # noqa: BLE001 - any upstream failure is a 502 for the page
            detail = scrub_secret(str(error), api_key)[:500]
            return error_response(502, "upstream-error", f"Token service failed: {detail}", cors)
        name = getattr(created, "name", None)
        if not isinstance(name, str) or not name.startswith("auth_tokens/"):
            return error_response(
                502, "upstream-error", "Token service returned no token name", cors
            )
        body = {
            "token": name,
            "expireTime": _iso(expire_time),
            "newSessionExpireTime": _iso(new_session_expire_time),
            "model": model,
        }
        return Response(
            json.dumps(body, separators=(",", ":")),
            status_code=200,
            headers={**cors, "content-type": "application/json", "cache-control": "no-store"},
        )

    return Route(path, endpoint, methods=ALL_METHODS)
