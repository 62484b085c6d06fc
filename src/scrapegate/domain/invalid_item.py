"""A batch item that failed validation, as the batch stores it and the API reports it."""

from __future__ import annotations

from typing import TypedDict


class InvalidItem(TypedDict):
    """One entry of a batch's ``invalid_items`` (and of the 400 error's ``errors``)."""

    index: int  # the item's position in the submitted list
    field: str  # e.g. ``requests[2].formats``, or ``urls[0]`` when the item itself is wrong
    error: str  # the error code, e.g. INVALID_URL
    message: str
