"""How Chromium is started: flags, availability check and the user agent it presents."""

from __future__ import annotations

import os

DEFAULT_EXECUTABLE = "/usr/bin/chromium"
# Marks our Chromium processes so /proc can find them (Chromium ignores unknown switches).
POOL_MARKER_SWITCH = "--scrapegate-browser"

# Chromium keeps only the last --disable-features switch, so ours repeats Playwright's defaults
# (from playwright-core's chromiumSwitches; several keep the browser network-quiet) first.
PLAYWRIGHT_DISABLED_FEATURES: tuple[str, ...] = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
)
# New headless builds a whole browser window per context; its omnibox popup is a WebUI page
# with its own renderer, which cost more CPU than the scraped page itself (see bench/render.py).
WINDOW_UI_DISABLED_FEATURES: tuple[str, ...] = (
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "WebUIOmniboxFullPopup",
)
DISABLED_FEATURES = PLAYWRIGHT_DISABLED_FEATURES + WINDOW_UI_DISABLED_FEATURES

LAUNCH_FLAGS: tuple[str, ...] = (
    "--disable-features=" + ",".join(DISABLED_FEATURES),
    # No network beyond what the page asks for: no updates, sync, or background probes.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    # navigator.webdriver stays false without a script patch.
    "--disable-blink-features=AutomationControlled",
    # WebRTC may only use proxied connections: no UDP to arbitrary hosts (SSRF).
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--no-sandbox",  # the service runs as root in its container
)

DESKTOP_VIEWPORT = (1366, 768)
MOBILE_VIEWPORT = (390, 844)


def browser_available(executable_path: str = DEFAULT_EXECUTABLE) -> bool:
    """True when a Chromium executable is present (cheap: no process is started)."""
    return os.path.isfile(executable_path) and os.access(executable_path, os.X_OK)


def major_version(version: str) -> str:
    return version.split(".", 1)[0] or "0"


def chrome_user_agent(version: str, *, mobile: bool = False) -> str:
    """A reduced Chrome user agent (``Chrome/<major>.0.0.0``) without "Headless"."""
    major = major_version(version)
    if mobile:
        return (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{major}.0.0.0 Mobile Safari/537.36"
        )
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )


def accept_language(locale: str) -> str:
    """``de-DE`` -> ``de-DE,de;q=0.9`` (what Chrome sends for one configured language)."""
    base = locale.split("-", 1)[0]
    if base == locale:
        return locale
    return f"{locale},{base};q=0.9"


def navigator_languages(locale: str) -> list[str]:
    base = locale.split("-", 1)[0]
    return [locale] if base == locale else [locale, base]
