"""The error a request ends with when no tier produced a usable result."""

from __future__ import annotations

from scrapegate.engine.attempts import AttemptRecord
from scrapegate.errors import (
    AllTiersFailed,
    BlockedByAntibot,
    ChallengeDetected,
    ScrapegateError,
    Timeout,
    UpstreamError,
)

SUGGESTION = (
    "Raise cost_controls.max_tier, enable advanced.use_proxy, or configure a CAPTCHA "
    "solver for tier 5."
)
NETWORK_OUTCOMES = ("network_error", "timeout")


def final_error(
    attempts: list[AttemptRecord], stopped_by: str, time_budget_expired: bool
) -> ScrapegateError:
    details: dict[str, object] = {
        "attempts": [a.as_detail() for a in attempts],
        "stopped_by": stopped_by,
    }
    if not attempts:
        return AllTiersFailed("No tier could be attempted within the request's limits.", details)
    last = attempts[-1]
    if stopped_by == "time_budget" and not time_budget_expired:
        return Timeout(
            "The request deadline passed before a result.", {**details, "cause": "deadline"}
        )
    if last.outcome == "challenge":
        return ChallengeDetected(
            f"The target answered with an anti-bot challenge ({last.error}) that the allowed "
            "tiers could not pass.",
            {**details, "suggestion": SUGGESTION},
        )
    if last.outcome == "block":
        return BlockedByAntibot(
            "The target returned a block page on every allowed tier.",
            {**details, "suggestion": SUGGESTION},
        )
    if all(a.outcome in NETWORK_OUTCOMES for a in attempts):
        return _network_error(last, details)
    return AllTiersFailed("Every allowed tier failed to produce a usable result.", details)


def _network_error(last: AttemptRecord, details: dict[str, object]) -> ScrapegateError:
    cause = (last.error or "connection_reset").split(":", 1)[0]
    if cause == "timeout":
        return Timeout("The target did not answer in time.", {**details, "cause": "deadline"})
    return UpstreamError(
        "The target gave no usable HTTP response.",
        cause,
        attempts=details["attempts"],
        stopped_by=details["stopped_by"],
    )
