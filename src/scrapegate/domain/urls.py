"""Target and webhook URL syntax and cache normalisation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

import idna

from scrapegate.domain.netrules import NetPolicy, address_block_reason, parse_ip_literal
from scrapegate.errors import InvalidRequest, InvalidURL, URLNotAllowed

MAX_URL_LENGTH = 8_192
MAX_WEBHOOK_URL_LENGTH = 2_048
URL_DETAIL = "url must be an absolute http(s) URL"
WEBHOOK_DETAIL = "webhook_url must be an https URL"
WEBHOOK_PRIVATE_DETAIL = "webhook_url resolves to a private network address"
DEFAULT_PORTS = {"http": 80, "https": 443}
DEV_WEBHOOK_HOSTS = frozenset({"localhost", "127.0.0.1"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Letters, digits, hyphen and underscore: underscores occur in real host names though not in DNS
# host-name syntax, so they are tolerated rather than rejected as bad IDNA.
_ASCII_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?$")


@dataclass(frozen=True)
class TargetURL:
    """A checked http(s) URL: ``host`` is lower-case ASCII (punycode); ``port`` is explicit or the
    scheme's default."""

    scheme: str
    host: str
    port: int
    explicit_port: bool
    parts: SplitResult


def _has_bad_characters(text: str) -> bool:
    return any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text)


def _scheme_problem(text: str) -> str | None:
    match = _SCHEME.match(text)
    if match is None:
        return "missing_scheme"
    scheme = match.group(1).lower()
    rest = text[match.end() :]
    if scheme not in DEFAULT_PORTS:
        # "example.com:8080/x" has no scheme at all, it only looks like one.
        if rest[:1].isdigit() and not rest.startswith("//"):
            return "missing_scheme"
        return "unsupported_scheme"
    if not rest.startswith("//"):
        return "missing_host"
    return None


def ascii_host(host: str) -> str | None:
    """The lower-case ASCII form of a URL host, or None when it cannot be IDNA-encoded."""
    name = host.rstrip(".").lower()
    if not name or len(name) > 253:
        return None
    if parse_ip_literal(name) is not None:
        return name
    if not name.isascii():
        try:
            return idna.encode(name, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            return None
    for label in name.split("."):
        if not _ASCII_LABEL.match(label):
            return None
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                return None
    return name


def _fail(reason: str) -> InvalidURL:
    return InvalidURL(URL_DETAIL, field="url", reason=reason)


def parse_target_url(text: str) -> TargetURL:
    """Rule 3: raise ``InvalidURL`` with ``details.reason`` naming the first problem found."""
    if len(text) > MAX_URL_LENGTH:
        raise _fail("too_long")
    if _has_bad_characters(text):
        raise _fail("invalid_characters")
    problem = _scheme_problem(text)
    if problem is not None:
        raise _fail(problem)
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _fail("invalid_characters") from None
    if not parts.hostname:
        raise _fail("missing_host")
    try:
        port = parts.port
    except ValueError:
        raise _fail("invalid_port") from None
    if port is not None and not 1 <= port <= 65_535:
        raise _fail("invalid_port")
    host = ascii_host(parts.hostname)
    if host is None:
        raise _fail("invalid_idna")
    scheme = parts.scheme.lower()
    return TargetURL(
        scheme=scheme,
        host=host,
        port=port if port is not None else DEFAULT_PORTS[scheme],
        explicit_port=port is not None,
        parts=parts,
    )


def normalized_url(target: TargetURL) -> str:
    """Cache form: scheme and host lower-cased, default port and fragment dropped, query kept."""
    host = f"[{target.host}]" if ":" in target.host else target.host
    userinfo = target.parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    if target.port != DEFAULT_PORTS[target.scheme]:
        netloc = f"{netloc}:{target.port}"
    return urlunsplit((target.scheme, netloc, target.parts.path or "/", target.parts.query, ""))


def _split_webhook_url(text: str) -> tuple[SplitResult, str] | None:
    """The parts and ASCII host of an absolute http(s) webhook URL, or None."""
    if len(text) > MAX_WEBHOOK_URL_LENGTH or _has_bad_characters(text):
        return None
    if _scheme_problem(text) is not None:
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = ascii_host(parts.hostname) if parts.hostname else None
    if host is None or (port is not None and not 1 <= port <= 65_535):
        return None
    return parts, host


def check_webhook_url(text: str, *, development: bool, allow_private: bool) -> None:
    """Rules 44-45 on what the URL says literally; delivery re-checks resolved addresses."""
    field = "webhook_url"
    checked = _split_webhook_url(text)
    if checked is None:
        raise InvalidRequest(WEBHOOK_DETAIL, field=field)
    parts, host = checked
    dev_local = development and host in DEV_WEBHOOK_HOSTS
    if parts.scheme.lower() != "https" and not dev_local:
        raise InvalidRequest(WEBHOOK_DETAIL, field=field)
    if dev_local:
        return
    literal = parse_ip_literal(host)
    # Metadata addresses stay refused even when private webhook targets are allowed.
    blocked = (
        address_block_reason(literal, NetPolicy(allow_private=allow_private)) is not None
        if literal is not None
        else not allow_private and (host == "localhost" or host.endswith(".localhost"))
    )
    if blocked:
        raise URLNotAllowed(WEBHOOK_PRIVATE_DETAIL, {"field": field, "reason": "private_network"})
