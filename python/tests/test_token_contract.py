"""The shared token-route contract (test/contract/token-route.vectors.json) against
``create_token_route``, minting from the emulator's auth_tokens route. The Node suite runs the
same file against ``createTokenHandler`` (test/node/token-contract.test.ts)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import datetime
from typing import Any

import httpx
import pytest
from conftest import ROOT, Emulator
from starlette.applications import Starlette
from starlette.requests import Request

from live_agent_server import Deny, RateLimit, create_token_route

CASES: list[dict[str, Any]] = json.loads(
    (ROOT / "test/contract/token-route.vectors.json").read_text("utf-8")
)["cases"]


def bearer(request: Request) -> bool | Deny:
    """The vectors' 'bearer' hook, defined exactly as the Node suite defines it."""
    auth = request.headers.get("authorization")
    if not auth:
        return False
    return True if auth == "Bearer good" else Deny(403, "Plan has no voice")


HOOKS = {"bearer": bearer}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def matches(actual: Any, expected: Any) -> bool:
    """The pattern language of the vectors (see their `about`)."""
    if isinstance(expected, str):
        if expected == "<absent>":
            return actual is None
        if expected == "<present>":
            return actual is not None
        if not isinstance(actual, str):
            return False
        if expected == "<string>":
            return True
        if expected == "<iso>":
            return ISO.match(actual) is not None
        if expected == "<positive-int>":
            return actual.isdigit() and int(actual) > 0
        if expected.startswith("<re:"):
            return re.search(expected[4:-1], actual) is not None
        return actual == expected
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            matches(actual.get(k), v) for k, v in expected.items()
        )
    return bool(actual == expected)


def build(options: dict[str, Any], vectors: dict[str, Any], emulator: Emulator) -> Starlette:
    rate = options.get("rateLimit")
    kwargs: dict[str, Any] = {
        "api_key": vectors["keys"]["wrong" if options.get("apiKey") == "wrong" else "good"],
        "model": vectors["model"],
        "base_url": "http://127.0.0.1:1"
        if options.get("baseUrl") == "unreachable"
        else emulator.url,
        "path": vectors["path"],
    }
    if "config" in options:
        kwargs["config"] = options["config"]
    if "uses" in options:
        kwargs["uses"] = options["uses"]
    if "allowedOrigins" in options:
        kwargs["allowed_origins"] = options["allowedOrigins"]
    if "lockAdditionalFields" in options:
        kwargs["lock_additional_fields"] = options["lockAdditionalFields"]
    if "authorize" in options:
        kwargs["authorize"] = HOOKS[options["authorize"]]
    if "trustProxy" in options:
        kwargs["trust_proxy"] = options["trustProxy"]
    if rate is False:
        kwargs["rate_limit"] = False
    elif rate is not None:
        kwargs["rate_limit"] = RateLimit(rate["windowMs"], rate["max"])
    return Starlette(routes=[create_token_route(**kwargs)])


async def run_case(case: dict[str, Any], vectors: dict[str, Any], emulator: Emulator) -> None:
    app = build(case["options"], vectors, emulator)
    for i, req in enumerate(case["requests"]):
        # One client per request: `peer` is the socket address the app sees (request.client).
        transport = httpx.ASGITransport(app=app, client=(req.get("peer", "127.0.0.1"), 50000))
        async with httpx.AsyncClient(transport=transport, base_url=vectors["site"]) as client:
            for _ in range(req.get("repeat", 1)):
                at = f"{case['name']} #{i}"
                origin = req.get("origin", vectors["site"])
                headers = {
                    **({} if origin is None else {"origin": origin}),
                    **req.get("headers", {}),
                }
                t0 = time.time()
                response = await client.request(
                    req["method"], vectors["path"], headers=headers, content=req.get("body")
                )
                text = response.text
                assert vectors["keys"]["good"] not in text, at
                assert vectors["keys"]["wrong"] not in text, at
                want = req["expect"]
                assert response.status_code == want["status"], f"{at}: {text}"
                for name, value in want.get("headers", {}).items():
                    assert matches(response.headers.get(name), value), (
                        f"{at} header {name}: {response.headers.get(name)}"
                    )
                body = json.loads(text) if text else {}
                if "json" in want:
                    assert matches(body, want["json"]), f"{at} body {text}"
                if want.get("exactKeys"):
                    assert sorted(body) == sorted(want["json"]), at
                if "times" in want:
                    expire = datetime.fromisoformat(
                        body["expireTime"].replace("Z", "+00:00")
                    ).timestamp()
                    fresh = datetime.fromisoformat(
                        body["newSessionExpireTime"].replace("Z", "+00:00")
                    ).timestamp()
                    assert abs(expire - t0 - want["times"]["expireTimeSeconds"]) < 5, at
                    assert abs(fresh - t0 - want["times"]["newSessionExpireTimeSeconds"]) < 5, at
                if "issued" in want:
                    check_issued(emulator.issued(body["token"]), want["issued"], at)


def check_issued(issued: dict[str, Any], want: dict[str, Any], at: str) -> None:
    setup = json.dumps(issued.get("setup") or {})
    if "uses" in want:
        assert issued["uses"] == want["uses"], at
    if "model" in want:
        assert (issued.get("setup") or {}).get("model") == want["model"], at
    if "fieldMask" in want:
        assert issued["fieldMask"] == want["fieldMask"], at
    for field in want.get("fieldMaskIncludes", []):
        assert field in (issued["fieldMask"] or []), f"{at}: {issued['fieldMask']}"
    if "setupIncludes" in want:
        assert want["setupIncludes"] in setup, at
    if "setupExcludes" in want:
        assert want["setupExcludes"] not in setup, at


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case: dict[str, Any], vectors: dict[str, Any], emulator: Emulator) -> None:
    asyncio.run(run_case(case, vectors, emulator))


def test_required_options() -> None:
    with pytest.raises(ValueError):
        create_token_route(api_key="", model="m")
    with pytest.raises(ValueError):
        create_token_route(api_key="k", model="")
