"""Shared fixtures: the repository root, the shared vectors, and the Gemini Live emulator run as a
subprocess (test/contract/emulator.ts: the emulator on a free port plus a route that reports the
tokens it issued)."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from adk_server import Server, serve, write_agents
from tls_pipe import tls_pipe

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Emulator:
    url: str
    inspect_url: str

    def issued(self, token: str) -> dict[str, Any]:
        """What the emulator recorded for a minted token: uses, setup, fieldMask."""
        query = urllib.parse.urlencode({"name": token})
        with urllib.request.urlopen(f"{self.inspect_url}?{query}", timeout=5) as response:
            data: dict[str, Any] = json.load(response)
            return data


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (ROOT / "test/contract/token-route.vectors.json").read_text("utf-8")
    )
    return data


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: the emulator is needed for these tests")
    proc = subprocess.Popen(
        [node, "--import", "tsx", "test/contract/emulator.ts"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        if not select.select([proc.stdout], [], [], 60)[0]:
            pytest.fail("emulator printed nothing within 60 s")
        line = proc.stdout.readline()
        if not line:
            pytest.fail(f"emulator did not start (exit {proc.wait(10)})")
        info = json.loads(line)
        yield Emulator(info["url"], info["inspect"])
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def adk(
    tmp_path_factory: pytest.TempPathFactory, emulator: Emulator, vectors: dict[str, Any]
) -> Iterator[Server]:
    """One guarded real ADK app for the session, its model the emulator behind a TLS pipe."""
    agents = write_agents(tmp_path_factory.mktemp("agents"))
    port = int(emulator.url.rsplit(":", 1)[1].strip("/"))
    with tls_pipe(port, tmp_path_factory.mktemp("tls")) as (tls_port, cert):
        os.environ["SSL_CERT_FILE"] = str(cert)
        with serve(agents, f"https://127.0.0.1:{tls_port}", vectors["keys"]["good"]) as server:
            yield server
