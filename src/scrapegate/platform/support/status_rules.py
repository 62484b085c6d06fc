"""The ticket status machine, as changes of one record at one instant."""

from __future__ import annotations

from datetime import datetime, timedelta

from scrapegate.domain.support_records import SupportTicket
from scrapegate.errors import Conflict, InvalidRequest

REOPEN_WINDOW = timedelta(days=30)
RATING_CHANGE_WINDOW = timedelta(days=14)
FINISHED = ("resolved", "closed")


def _refuse_merged(ticket: SupportTicket) -> None:
    if ticket.status == "merged":
        raise Conflict(
            "The ticket was merged into another one.", {"merged_into_id": ticket.merged_into_id}
        )


def apply_reply(ticket: SupportTicket, *, by_agent: bool, internal: bool, now: datetime) -> None:
    """An agent's answer waits for the user; a user's message (re)opens the ticket."""
    _refuse_merged(ticket)
    ticket.updated_at = now
    if internal:
        return
    ticket.reply_count += 1
    ticket.last_reply_at = now
    ticket.status = "awaiting_reply" if by_agent else "open"
    ticket.resolved_at = ticket.closed_at = None


def close(ticket: SupportTicket, now: datetime) -> bool:
    """Close the ticket; False when it already was (the route answers the same body)."""
    if ticket.status == "closed":
        return False
    _refuse_merged(ticket)
    ticket.status = "closed"
    ticket.closed_at = ticket.updated_at = now
    return True


def reopen(ticket: SupportTicket, now: datetime) -> None:
    finished_at = ticket.closed_at or ticket.resolved_at
    if ticket.status not in FINISHED or finished_at is None:
        raise Conflict("Only resolved or closed tickets can be reopened.")
    if now - finished_at > REOPEN_WINDOW:
        raise Conflict("Tickets can be reopened within 30 days of closing; open a new one.")
    ticket.status = "open"
    ticket.resolved_at = ticket.closed_at = None
    ticket.updated_at = now


def rate(ticket: SupportTicket, rating: int, comment: str | None, now: datetime) -> None:
    if ticket.status not in FINISHED:
        raise Conflict("Only resolved or closed tickets can be rated.")
    first = ticket.satisfaction_at
    if first is not None and now - first > RATING_CHANGE_WINDOW:
        raise Conflict("The rating can be changed within 14 days only.")
    ticket.satisfaction_rating, ticket.satisfaction_comment = rating, comment
    ticket.satisfaction_at = first or now
    ticket.updated_at = now


def set_agent_status(
    ticket: SupportTicket, status: str, merged_into: SupportTicket | None, now: datetime
) -> None:
    """An agent moves the ticket on (in_progress, resolved, closed, merged)."""
    _refuse_merged(ticket)
    if status == "merged":
        if merged_into is None or merged_into.id == ticket.id:
            raise InvalidRequest("merged_into_id must name another ticket", field="merged_into_id")
        ticket.status, ticket.merged_into_id = "merged", merged_into.id
    elif status == "resolved":
        ticket.status, ticket.resolved_at, ticket.closed_at = "resolved", now, None
    elif status == "closed":
        ticket.status, ticket.closed_at = "closed", now
    else:
        ticket.status = "in_progress"
        ticket.resolved_at = ticket.closed_at = None
    ticket.updated_at = now
