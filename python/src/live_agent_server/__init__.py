"""live-agent's server side in Python: the Gemini Live ephemeral-token route (same contract as
the Node helper ``live-agent/server``) and a ticket guard for ADK's ``/run_live``."""

from .adk_guard import AdkGuard, TicketLogFilter, protect_adk
from .rate_limit import RateLimit, RateLimiter, RateVerdict
from .scrub import scrub_secret, scrub_ticket
from .tickets import MemoryReplayCache, ReplayCache, Ticket, TicketError, TicketScope, TicketSigner
from .token_route import Deny, create_token_route, default_client_key

__all__ = [
    "AdkGuard",
    "Deny",
    "MemoryReplayCache",
    "RateLimit",
    "RateLimiter",
    "RateVerdict",
    "ReplayCache",
    "Ticket",
    "TicketError",
    "TicketLogFilter",
    "TicketScope",
    "TicketSigner",
    "create_token_route",
    "default_client_key",
    "protect_adk",
    "scrub_secret",
    "scrub_ticket",
]
