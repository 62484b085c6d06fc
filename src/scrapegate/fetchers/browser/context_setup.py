"""Per-scrape browser context settings derived from the FetchRequest and its RenderOptions."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Literal, TypedDict
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, ProxySettings, ViewportSize
from playwright.async_api import Error as PlaywrightError

from scrapegate.fetchers.base import FetchRequest, RenderOptions
from scrapegate.fetchers.browser.blocklists import AD_HOSTS, TRACKER_HOSTS
from scrapegate.fetchers.browser.guard import TrafficRules
from scrapegate.fetchers.browser.launch import (
    MOBILE_VIEWPORT,
    accept_language,
    chrome_user_agent,
    navigator_languages,
)
from scrapegate.fetchers.browser.stealth import (
    full_stealth_script,
    light_stealth_script,
    user_agent_metadata,
)

DEFAULT_LOCALE = "en-US"
LIGHT_BLOCKED_TYPES = frozenset({"image", "media", "font"})
# Headers the browser computes itself; a caller's value would break the request.
_BROWSER_OWNED_HEADERS = frozenset(
    {"host", "content-length", "connection", "transfer-encoding", "accept-encoding", "cookie"}
)


class ContextOptions(TypedDict, total=False):
    """The keyword arguments of ``Browser.new_context`` a scrape sets."""

    user_agent: str
    viewport: ViewportSize
    locale: str
    is_mobile: bool
    has_touch: bool
    device_scale_factor: float
    ignore_https_errors: bool
    service_workers: Literal["allow", "block"]
    accept_downloads: bool
    proxy: ProxySettings
    extra_http_headers: dict[str, str]
    timezone_id: str


@dataclass(frozen=True)
class ScrapeProfile:
    """Everything a context needs that does not change while the scrape runs."""

    light: bool
    version: str
    locale: str
    user_agent: str
    mobile: bool

    @property
    def languages(self) -> list[str]:
        return navigator_languages(self.locale)


def build_profile(
    request: FetchRequest, render: RenderOptions, version: str, light: bool
) -> ScrapeProfile:
    locale = render.locale or _first_language(request.accept_language) or DEFAULT_LOCALE
    custom_ua = _header(request, "user-agent")
    mobile = render.mobile and not light
    return ScrapeProfile(
        light=light,
        version=version,
        locale=locale,
        user_agent=custom_ua or chrome_user_agent(version, mobile=mobile),
        mobile=mobile,
    )


def context_options(
    request: FetchRequest, render: RenderOptions, profile: ScrapeProfile, proxy_server: str
) -> ContextOptions:
    width, height = (
        MOBILE_VIEWPORT if profile.mobile else (render.viewport_width, render.viewport_height)
    )
    options: ContextOptions = {
        "user_agent": profile.user_agent,
        "viewport": {"width": width, "height": height},
        "locale": profile.locale,
        "is_mobile": profile.mobile,
        "has_touch": profile.mobile,
        "device_scale_factor": 2 if profile.mobile else 1,
        "ignore_https_errors": request.skip_tls_verification,
        "service_workers": "block",  # their requests would escape the context's routing
        "accept_downloads": False,
        # Loopback targets must use the egress proxy too (Chromium bypasses it by default).
        "proxy": {"server": proxy_server, "bypass": "<-loopback>"},
        "extra_http_headers": {"Accept-Language": accept_language(profile.locale)},
    }
    if render.timezone_id:
        options["timezone_id"] = render.timezone_id
    return options


def traffic_rules(request: FetchRequest, render: RenderOptions, light: bool) -> TrafficRules:
    blocked_types: frozenset[str] = LIGHT_BLOCKED_TYPES if light else frozenset()
    if render.block_images:
        blocked_types |= {"image"}
    blocked_hosts = TRACKER_HOSTS if light else frozenset()
    if render.block_ads or light:
        blocked_hosts = blocked_hosts | AD_HOSTS | TRACKER_HOSTS
    extra = {
        name: value
        for name, value in request.headers.items()
        if name.lower() not in _BROWSER_OWNED_HEADERS
        and name.lower() not in ("user-agent", "accept-language")
    }
    return TrafficRules(
        blocked_resource_types=blocked_types,
        blocked_hosts=blocked_hosts,
        target_host=(urlsplit(request.url).hostname or "").lower(),
        target_headers=extra,
    )


async def prepare_context(
    context: BrowserContext, request: FetchRequest, profile: ScrapeProfile
) -> None:
    """Stealth script and the caller's cookies (for the target's host only)."""
    script = light_stealth_script if profile.light else full_stealth_script
    await context.add_init_script(script(profile.languages))
    cookies = dict(_header_cookies(request))
    cookies.update(request.cookies)
    host = urlsplit(request.url).hostname or ""
    if cookies and host:
        secure = urlsplit(request.url).scheme == "https"
        await context.add_cookies(
            [
                {"name": n, "value": v, "domain": host, "path": "/", "secure": secure}
                for n, v in cookies.items()
            ]
        )


async def apply_client_hints(context: BrowserContext, page: Page, profile: ScrapeProfile) -> None:
    """Sec-CH-UA headers and navigator.userAgentData that agree with the user agent."""
    try:
        session = await context.new_cdp_session(page)
        await session.send(
            "Emulation.setUserAgentOverride",
            {
                "userAgent": profile.user_agent,
                "acceptLanguage": ",".join(profile.languages),  # Chromium adds the q-values
                "platform": "Linux armv8l" if profile.mobile else "Linux x86_64",
                "userAgentMetadata": user_agent_metadata(profile.version, mobile=profile.mobile),
            },
        )
        # The session stays attached: detaching would drop the override.
    except PlaywrightError:
        return  # the page keeps Chromium's own (consistent, less complete) hints


def _header(request: FetchRequest, name: str) -> str | None:
    for key, value in request.headers.items():
        if key.lower() == name:
            return value
    return None


def _header_cookies(request: FetchRequest) -> dict[str, str]:
    raw = _header(request, "cookie")
    if not raw:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _first_language(accept: str | None) -> str | None:
    if not accept:
        return None
    first = accept.split(",", 1)[0].split(";", 1)[0].strip()
    return first or None
