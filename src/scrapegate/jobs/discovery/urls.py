"""URL normalisation: the de-duplication key of crawl pages and map results."""

from __future__ import annotations

import re
import string
from urllib.parse import urlsplit, urlunsplit

import idna

DEFAULT_PORTS = {"http": 80, "https": 443}
UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_SUB_DELIMS = "!$&'()*+,;="
PATH_SAFE = frozenset(UNRESERVED | set(_SUB_DELIMS + ":@/"))
QUERY_SAFE = frozenset(PATH_SAFE | set("?"))
_HEX = frozenset(string.hexdigits)

INDEX_FILES = frozenset({"index.html", "index.htm", "index.php"})
TRACKING_PARAMS = frozenset(
    {
        "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "ttclid",
        "twclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
        "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv",
    }
)  # fmt: skip
SESSION_PARAMS = frozenset(
    {"jsessionid", "phpsessid", "aspsessionid", "sessionid", "session_id", "sessid"}
)
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sessionid)=[^/?#]*", re.IGNORECASE)


def normalize_url(url: str, *, ignore_query: bool = False, similar: bool = True) -> str:
    """The canonical form of ``url``; two URLs with the same form are the same page.

    Always: lower-case scheme and host (IDN hosts in punycode), no default port, no fragment,
    upper-case percent-escapes with unreserved characters decoded, no dot segments, "/" for an
    empty path. ``similar`` also folds "www.", trailing slashes, index files, tracking and
    session parameters and the order of query parameters. Raises ValueError for a URL without
    a host or with an invalid port.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _normalize_host(parts.hostname or "")
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    if similar and host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    port = parts.port  # ValueError for a port out of range
    netloc = _netloc(parts.username, parts.password, host, port, scheme)
    path = _normalize_path(parts.path, similar=similar)
    query = "" if ignore_query else _normalize_query(parts.query, similar=similar)
    return urlunsplit((scheme, netloc, path, query, ""))


def _normalize_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if ":" in host or host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return host.encode("idna").decode("ascii")


def _netloc(
    user: str | None, password: str | None, host: str, port: int | None, scheme: str
) -> str:
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    if user is not None:
        credentials = user if password is None else f"{user}:{password}"
        netloc = f"{credentials}@{netloc}"
    return netloc


def normalize_escapes(text: str, safe: frozenset[str]) -> str:
    """Upper-case valid escapes, decode unreserved ones, escape what may not appear raw."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%" and i + 2 < len(text) and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if char in safe:
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
        i += 1
    return "".join(out)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 (5.2.4), on the segment list."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        is_last = index == len(segments) - 1
        if segment == ".":
            if is_last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if is_last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _normalize_path(path: str, *, similar: bool) -> str:
    if similar:
        path = _PATH_SESSION.sub("", path)
    path = remove_dot_segments(normalize_escapes(path, PATH_SAFE)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    if similar:
        head, _, last = path.rpartition("/")
        if last.lower() in INDEX_FILES:
            path = head + "/"
        if len(path) > 1:
            path = path.rstrip("/") or "/"
    return path


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMS or lowered in SESSION_PARAMS


def _normalize_query(query: str, *, similar: bool) -> str:
    pairs = [normalize_escapes(pair, QUERY_SAFE) for pair in query.split("&") if pair]
    if similar:
        pairs = [p for p in pairs if not is_tracking_param(p.split("=", 1)[0])]
        pairs.sort(key=lambda pair: tuple(pair.partition("=")[::2]))
    return "&".join(pairs)


class UrlDeduper:
    """Remembers normalised URLs; ``add`` says whether a URL is new."""

    def __init__(self, *, ignore_query: bool = False, similar: bool = True) -> None:
        self._ignore_query = ignore_query
        self._similar = similar
        self._seen: set[str] = set()

    def key(self, url: str) -> str:
        return normalize_url(url, ignore_query=self._ignore_query, similar=self._similar)

    def add(self, url: str) -> bool:
        key = self.key(url)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def __contains__(self, url: str) -> bool:
        return self.key(url) in self._seen

    def __len__(self) -> int:
        return len(self._seen)
