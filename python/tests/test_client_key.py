"""The rate-limit key of the token route: the socket's peer by default (X-Forwarded-For is written
by the client), and with ``trust_proxy`` = n the address n hops from the right of the header. The
same table as the Node suite (test/node/server-client-key.test.ts)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from live_agent_server import RateLimit, create_token_route, default_client_key


def request(xff: list[str], peer: str | None) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in xff]
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    if peer is not None:
        scope["client"] = (peer, 50000)
    return Request(scope)


@pytest.mark.parametrize(
    ("xff", "peer", "trust", "want"),
    [
        (["1.1.1.1"], "10.0.0.9", 0, "10.0.0.9"),
        (["1.1.1.1"], None, 0, "anonymous"),
        (["spoofed, 203.0.113.5"], "10.0.0.9", 1, "203.0.113.5"),
        (["spoofed, 203.0.113.5, 10.1.1.1"], "10.0.0.9", 2, "203.0.113.5"),
        (["203.0.113.5"], "10.0.0.9", 3, "203.0.113.5"),
        ([], "10.0.0.9", 1, "10.0.0.9"),
        ([" , 203.0.113.5 ,"], "10.0.0.9", 1, "203.0.113.5"),
        (["spoofed", "203.0.113.5"], "10.0.0.9", 1, "203.0.113.5"),
    ],
)
def test_default_client_key(xff: list[str], peer: str | None, trust: int, want: str) -> None:
    assert default_client_key(request(xff, peer), trust) == want


@pytest.mark.parametrize("trust", [-1, 1.5, True])
def test_trust_proxy_must_be_a_whole_number(trust: object) -> None:
    with pytest.raises(ValueError):
        create_token_route(api_key="k", model="m", trust_proxy=trust)  # type: ignore[arg-type]


def test_a_forged_forwarded_for_does_not_give_a_fresh_window() -> None:
    # authorize refuses after the limiter: 401 = counted, 429 = limited; nothing is minted.
    route = create_token_route(
        api_key="k", model="m", rate_limit=RateLimit(60_000, 1), authorize=lambda r: False
    )
    app = Starlette(routes=[route])

    async def post(peer: str, xff: str) -> int:
        transport = httpx.ASGITransport(app=app, client=(peer, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            res = await client.post("/api/live-token", headers={"x-forwarded-for": xff})
            return res.status_code

    async def run() -> list[int]:
        return [
            await post("198.51.100.7", "1.1.1.1"),
            await post("198.51.100.7", "2.2.2.2"),
            await post("198.51.100.8", "3.3.3.3"),
        ]

    assert asyncio.run(run()) == [401, 429, 401]
