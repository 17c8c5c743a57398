"""Removing secrets from text bound for a client or a log."""

from __future__ import annotations

import re

_KEY_PARAM = re.compile(r"([?&]key=)[^&\s\"']+", re.IGNORECASE)
_AIZA = re.compile(r"AIza[0-9A-Za-z_-]{20,}")
_TICKET_PARAM = re.compile(r"([?&]ticket=)[^&\s\"']+", re.IGNORECASE)


def scrub_secret(text: str, api_key: str) -> str:
    """Removes the API key, ``?key=`` parameters and anything AIza-shaped (as the Node helper)."""
    out = text.replace(api_key, "[redacted]") if api_key else text
    out = _KEY_PARAM.sub(r"\1[redacted]", out)
    return _AIZA.sub("[redacted]", out)


def scrub_ticket(text: str) -> str:
    """Removes ``ticket=`` query values (ADK guard tickets) from a URL, query string or log line."""
    return _TICKET_PARAM.sub(r"\1[redacted]", text)
