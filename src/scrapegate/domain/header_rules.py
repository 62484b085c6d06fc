"""Caller-supplied HTTP headers, also used for session_headers."""

from __future__ import annotations

import re

from scrapegate.domain.request_fields import FieldReader

MAX_HEADERS = 50
MAX_HEADER_VALUE = 8_192
# RFC 9110 token characters.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$")
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "host",
        "content-length",
        "proxy-authorization",
        "proxy-authenticate",
    }
)


def read_headers(reader: FieldReader, name: str) -> dict[str, str] | None:
    """Rules 36-39 for the header map ``name`` of ``reader``, in order, first failure wins."""
    headers = reader.string_map(name)
    if headers is None:
        return None
    label = reader.name(name)
    if len(headers) > MAX_HEADERS:
        raise reader.error(name, f"{label} must contain at most {MAX_HEADERS} entries")
    for header in headers:
        if not _TOKEN.match(header):
            raise reader.error(name, f'Header name "{header}" must be 1-256 token characters')
    for header, value in headers.items():
        if len(value) > MAX_HEADER_VALUE or any(ch in value for ch in "\r\n\x00"):
            raise reader.error(
                name,
                f'Header "{header}" value must be at most {MAX_HEADER_VALUE} characters '
                "without line breaks",
            )
    for header in headers:
        if header.lower() in HOP_BY_HOP:
            raise reader.error(
                name,
                f'Header "{header}" is a hop-by-hop or connection-control header and cannot '
                "be forwarded",
            )
    return headers
