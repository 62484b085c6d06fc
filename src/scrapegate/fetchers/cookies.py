"""A cookie jar that lives for one fetch: it carries Set-Cookie values across redirect hops."""

from __future__ import annotations

import email.message
import urllib.request
from http.cookiejar import CookieJar


class _StoredResponse:
    """The one method ``CookieJar.extract_cookies`` needs from a response."""

    def __init__(self, set_cookie_values: list[str]) -> None:
        self._message = email.message.Message()
        for value in set_cookie_values:
            self._message["Set-Cookie"] = value

    def info(self) -> email.message.Message:
        return self._message


class RedirectCookieJar:
    """Server cookies of earlier hops, sent back like a browser would (domain, path, secure)."""

    def __init__(self) -> None:
        self._jar = CookieJar()

    def store(self, url: str, set_cookie_values: list[str]) -> None:
        if set_cookie_values:
            request = urllib.request.Request(url)
            self._jar.extract_cookies(_StoredResponse(set_cookie_values), request)  # type: ignore[arg-type]

    def header_for(self, url: str) -> str | None:
        request = urllib.request.Request(url)
        self._jar.add_cookie_header(request)
        value = request.get_header("Cookie")
        return value or None


def cookie_header(pairs: dict[str, str] | None) -> str | None:
    if not pairs:
        return None
    return "; ".join(f"{name}={value}" for name, value in pairs.items())
