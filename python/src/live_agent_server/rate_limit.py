"""In-memory sliding-window rate limiter, one log of timestamps per client key.

Good for a single process; behind several workers or instances use a shared store (or the
platform's limiter) instead. Same rules as the Node helper's ``createRateLimiter``.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

# Bounds memory when many distinct clients (or spoofed keys) arrive; oldest keys go first.
MAX_KEYS = 10_000


@dataclass(frozen=True)
class RateLimit:
    """At most ``max`` requests per ``window_ms`` per client key."""

    window_ms: float = 60_000
    max: int = 10


@dataclass(frozen=True)
class RateVerdict:
    """Allowed, or the whole seconds until the next slot frees up."""

    ok: bool
    retry_after_seconds: int = 0


class RateLimiter:
    """``hit(key)`` records a request when it is allowed."""

    def __init__(self, limit: RateLimit, now: Callable[[], float] | None = None) -> None:
        if not (limit.window_ms > 0) or not (limit.max >= 1):
            raise ValueError("rate_limit needs window_ms > 0 and max >= 1")
        self._limit = limit
        self._now = now or (lambda: time.time() * 1000)
        self._logs: OrderedDict[str, list[float]] = OrderedDict()

    def hit(self, key: str) -> RateVerdict:
        t = self._now()
        window = self._limit.window_ms
        log = [at for at in self._logs.get(key, []) if at > t - window]
        if len(log) >= self._limit.max:
            self._logs[key] = log
            oldest = log[0] if log else t
            return RateVerdict(False, max(1, math.ceil((oldest + window - t) / 1000)))
        log.append(t)
        # Re-insert so the dict's order is least-recently-used first.
        self._logs.pop(key, None)
        self._logs[key] = log
        if len(self._logs) > MAX_KEYS:
            self._logs.popitem(last=False)
        return RateVerdict(True)
