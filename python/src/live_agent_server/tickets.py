"""Short-lived, single-use, HMAC-signed tickets bound to an ADK app, user, session and origin.

Format: ``base64url(json payload) "." base64url(HMAC-SHA256(secret, "lat1." + payload_b64))``.
The payload is readable (it holds no secret); the signature makes it unforgeable, the expiry
short-lived, and the replay cache single-use.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TicketScope:
    """Who may talk to what: the ADK app, user and session (and the page origin, None = no browser)."""

    app_name: str
    user_id: str
    session_id: str
    origin: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A verified ticket's claims."""

    scope: TicketScope
    expires_at: float
    nonce: str


class TicketError(Exception):
    """Why a ticket was refused: ``code`` for programs, ``status`` for HTTP (401/403)."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class ReplayCache(Protocol):
    """Remembers spent ticket nonces until they expire; share one store across workers."""

    def spend(self, nonce: str, expires_at: float) -> bool:
        """Marks the nonce spent; False if it already was."""
        ...


class MemoryReplayCache:
    """Single-process replay cache (several workers or instances need a shared store)."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._spent: dict[str, float] = {}
        self._lock = threading.Lock()
        self._now = now

    def spend(self, nonce: str, expires_at: float) -> bool:
        with self._lock:
            now = self._now()
            if len(self._spent) > 1024:
                # Expired nonces cannot be replayed anyway (the expiry check comes first).
                self._spent = {n: t for n, t in self._spent.items() if t > now}
            if nonce in self._spent:
                return False
            self._spent[nonce] = expires_at
            return True


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TicketSigner:
    """Issues and verifies tickets with one secret (≥ 32 bytes)."""

    def __init__(
        self,
        secret: bytes | str,
        ttl_s: float = 60,
        replay: ReplayCache | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < 32:
            raise ValueError("ticket secret must be at least 32 bytes")
        if not ttl_s > 0:
            raise ValueError("ticket_ttl_s must be > 0")
        self._key = key
        self.ttl_s = ttl_s
        self._replay = replay or MemoryReplayCache(now)
        self._now = now

    def _sign(self, payload_b64: str) -> str:
        mac = hmac.new(self._key, b"lat1." + payload_b64.encode("ascii"), hashlib.sha256)
        return _b64(mac.digest())

    def issue(self, scope: TicketScope) -> tuple[str, float]:
        """Returns the ticket and its expiry (epoch seconds)."""
        expires_at = self._now() + self.ttl_s
        payload = {
            "v": 1,
            "app": scope.app_name,
            "user": scope.user_id,
            "session": scope.session_id,
            "origin": scope.origin,
            "exp": round(expires_at, 3),
            "nonce": secrets.token_urlsafe(16),
        }
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}", expires_at

    def redeem(self, ticket: str | None, want: TicketScope) -> Ticket:
        """Verifies signature, expiry, single use, then the binding; raises TicketError.

        A ticket with a good signature is spent by its first presentation, even one that fails
        the binding: a ticket that leaked and is being probed dies at once.
        """
        if not ticket:
            raise TicketError("ticket-missing", "Ticket required", 401)
        body, _, mac = ticket.partition(".")
        if not body or not mac or not hmac.compare_digest(mac, self._sign(body)):
            raise TicketError("ticket-invalid", "Ticket invalid", 401)
        try:
            claims = json.loads(_unb64(body))
            scope = TicketScope(
                str(claims["app"]), str(claims["user"]), str(claims["session"]), claims["origin"]
            )
            parsed = Ticket(scope, float(claims["exp"]), str(claims["nonce"]))
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            raise TicketError("ticket-invalid", "Ticket invalid", 401) from error
        if self._now() >= parsed.expires_at:
            raise TicketError("ticket-expired", "Ticket expired", 401)
        if not self._replay.spend(parsed.nonce, parsed.expires_at):
            raise TicketError("ticket-reused", "Ticket already used", 401)
        if scope.origin != want.origin:
            raise TicketError("ticket-origin", "Ticket not valid for this origin", 403)
        for field, label in (("app_name", "app"), ("user_id", "user"), ("session_id", "session")):
            if getattr(scope, field) != getattr(want, field):
                raise TicketError(f"ticket-{label}", f"Ticket not valid for this {label}", 403)
        return parsed
