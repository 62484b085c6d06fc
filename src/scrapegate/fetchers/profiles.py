"""The request header sets each tier presents, in the order a real client sends them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from scrapegate import __version__

DEFAULT_CONTACT_URL = "https://github.com/scrapegate"
DEFAULT_ACCEPT_LANGUAGE = "en-US,en;q=0.9"
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ALL_ENCODINGS = "gzip, deflate, br, zstd"

CHROME_MAJOR = 152
CHROME_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    f"Chrome/{CHROME_MAJOR}.0.0.0 Safari/537.36"
)
CHROME_SEC_CH_UA = (
    f'"Chromium";v="{CHROME_MAJOR}", "Not?A_Brand";v="24", "Google Chrome";v="{CHROME_MAJOR}"'
)
CHROME_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)

HeaderList = list[tuple[str, str]]
# Builds one hop's headers from (is the URL https, the caller's Accept-Language or None).
HeaderProfile = Callable[[bool, str | None], HeaderList]


def identifying_user_agent(contact_url: str | None) -> str:
    """``scrapegate/<version> (+<contact url>)``: what tier 1 and robots fetches send."""
    return f"scrapegate/{__version__} (+{contact_url or DEFAULT_CONTACT_URL})"


def minimal_headers(contact_url: str | None) -> HeaderProfile:
    user_agent = identifying_user_agent(contact_url)

    def build(secure: bool, accept_language: str | None) -> HeaderList:
        headers = [("User-Agent", user_agent), ("Accept", HTML_ACCEPT)]
        if accept_language:
            headers.append(("Accept-Language", accept_language))
        return headers

    return build


def chrome_headers() -> HeaderProfile:
    """Chrome's navigation request headers; client hints only go to secure origins."""

    def build(secure: bool, accept_language: str | None) -> HeaderList:
        headers: HeaderList = []
        if secure:
            headers += [
                ("sec-ch-ua", CHROME_SEC_CH_UA),
                ("sec-ch-ua-mobile", "?0"),
                ("sec-ch-ua-platform", '"Windows"'),
            ]
        headers += [
            ("upgrade-insecure-requests", "1"),
            ("user-agent", CHROME_USER_AGENT),
            ("accept", CHROME_ACCEPT),
            ("sec-fetch-site", "none"),
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-user", "?1"),
            ("sec-fetch-dest", "document"),
            ("accept-encoding", ALL_ENCODINGS),
            ("accept-language", accept_language or DEFAULT_ACCEPT_LANGUAGE),
            ("priority", "u=0, i"),
        ]
        return headers

    return build


def impersonation_headers() -> HeaderProfile:
    """The impersonated browser sends its own set; we only add the language."""

    def build(secure: bool, accept_language: str | None) -> HeaderList:
        return [("accept-language", accept_language or DEFAULT_ACCEPT_LANGUAGE)]

    return build


def merge_headers(base: HeaderList, overrides: Mapping[str, str]) -> HeaderList:
    """``base`` in order with caller values replacing same-named entries; new names appended."""
    wanted = {name.lower(): (name, value) for name, value in overrides.items()}
    merged: HeaderList = []
    for name, value in base:
        replacement = wanted.pop(name.lower(), None)
        merged.append(replacement if replacement is not None else (name, value))
    merged.extend(wanted.values())
    return merged
