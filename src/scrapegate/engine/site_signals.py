"""Who guards a site and what it is built with: pure functions over
the headers, cookie names and HTML of the attempts of one scrape."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from scrapegate.engine.classify import classify_response

# Names the classifier puts in attempt errors ("CHALLENGE_DETECTED: Cloudflare challenge ...").
_ATTEMPT_VENDOR_NAMES = {
    "cloudflare": "cloudflare",
    "datadome": "datadome",
    "perimeterx": "perimeterx",
    "imperva": "imperva",
    "akamai": "akamai",
    "aws waf": "aws_waf",
    "kasada": "kasada",
    "recaptcha": "recaptcha",
    "hcaptcha": "hcaptcha",
    "turnstile": "turnstile",
}
CAPTCHA_VENDORS = ("recaptcha", "hcaptcha", "turnstile")
# Products whose presence alone costs score points; Cloudflare and Akamai also run as plain CDNs.
_DEFAULT_PRODUCTS = {
    "cloudflare": "cdn",
    "datadome": "bot_protection",
    "perimeterx": "bot_defender",
    "akamai": "cdn",
    "imperva": "waf",
    "aws_waf": "waf",
    "kasada": "bot_protection",
    "recaptcha": "captcha",
    "hcaptcha": "captcha",
    "turnstile": "captcha",
}


@dataclass(frozen=True)
class Clue:
    """One piece of evidence: ``product`` upgrades the vendor's product when it is set."""

    vendor: str
    evidence: str
    weight: float
    product: str | None = None


@dataclass(frozen=True)
class AttemptView:
    """One attempt of the analysed scrape, as the scrape reported it."""

    tier: str
    outcome: str  # success, challenge, block, js_shell, rate_limited, failed, ...
    http_status: int | None = None
    error: str | None = None
    duration_ms: int | None = None


@dataclass(frozen=True)
class PageView:
    """What the final response of the scrape showed."""

    url: str
    final_url: str
    status_code: int | None
    headers: Mapping[str, str] = field(default_factory=dict)
    cookie_names: Sequence[str] = ()
    html: str | None = None
    redirect_urls: Sequence[str] = ()


class AntiBotEntry(TypedDict):
    """One vendor of a report's ``anti_bot_stack``, stored and sent as is."""

    vendor: str
    product: str
    confidence: float
    evidence: list[str]


@dataclass
class VendorFinding:
    vendor: str
    product: str
    evidence: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    challenged: bool = False  # a challenge page was served
    widget_visible: bool = False  # a CAPTCHA widget is drawn in the page

    @property
    def confidence(self) -> float:
        miss = 1.0
        for weight in self.weights:
            miss *= 1.0 - weight
        return round(min(1.0 - miss, 0.99), 2)

    def as_json(self) -> AntiBotEntry:
        return {
            "vendor": self.vendor,
            "product": self.product,
            "confidence": self.confidence,
            "evidence": list(self.evidence),
        }


# (cookie name prefix, vendor, evidence weight, product)
_COOKIE_RULES: tuple[tuple[str, str, float, str | None], ...] = (
    ("__cf_bm", "cloudflare", 0.8, "bot_management"),
    ("cf_clearance", "cloudflare", 0.9, "bot_management"),
    ("datadome", "datadome", 0.95, None),
    ("_px", "perimeterx", 0.9, None),
    ("ak_bmsc", "akamai", 0.9, "bot_manager"),
    ("_abck", "akamai", 0.9, "bot_manager"),
    ("bm_sz", "akamai", 0.7, "bot_manager"),
    ("incap_ses_", "imperva", 0.9, None),
    ("visid_incap_", "imperva", 0.9, None),
    ("reese84", "imperva", 0.8, None),
    ("aws-waf-token", "aws_waf", 0.95, None),
    ("kp_uidz", "kasada", 0.9, None),
)
# (lower-case substring of the HTML, vendor, evidence, weight, product)
_HTML_RULES: tuple[tuple[str, str, str, float, str | None], ...] = (
    (
        "/cdn-cgi/challenge-platform/",
        "cloudflare",
        "challenge-platform script",
        0.8,
        "bot_management",
    ),
    ("js.datadome.co", "datadome", "js.datadome.co script", 0.9, None),
    ("captcha-delivery.com", "datadome", "captcha-delivery.com frame", 0.9, None),
    ("client.perimeterx.net", "perimeterx", "client.perimeterx.net script", 0.9, None),
    ("px-cdn.net", "perimeterx", "px-cdn.net script", 0.85, None),
    ("px-cloud.net", "perimeterx", "px-cloud.net script", 0.85, None),
    ("_pxappid", "perimeterx", "_pxAppId variable", 0.85, None),
    ("errors.edgesuite.net", "akamai", "edgesuite block reference", 0.8, "bot_manager"),
    ("_incapsula_resource", "imperva", "_Incapsula_Resource script", 0.9, None),
    ("incapsula incident id", "imperva", "Incapsula incident page", 0.95, None),
    ("awswaf.com", "aws_waf", "awswaf.com challenge script", 0.9, None),
    ("kpsdk", "kasada", "KPSDK script", 0.9, None),
    ("google.com/recaptcha", "recaptcha", "reCAPTCHA script", 0.9, None),
    ("gstatic.com/recaptcha", "recaptcha", "reCAPTCHA script", 0.9, None),
    ("hcaptcha.com/1/api.js", "hcaptcha", "hCaptcha script", 0.9, None),
    ("challenges.cloudflare.com/turnstile", "turnstile", "Turnstile script", 0.9, None),
)
# CAPTCHA widgets drawn in the page (class names), as opposed to invisible score-only scripts.
_WIDGET_CLASSES = {"g-recaptcha": "recaptcha", "h-captcha": "hcaptcha", "cf-turnstile": "turnstile"}
_WIDGET_PATTERN = re.compile(r"""class\s*=\s*["'][^"']*\b(g-recaptcha|h-captcha|cf-turnstile)\b""")


def server_products(server: str) -> list[str]:
    """Product names of a Server header; repeated headers arrive joined with ", "."""
    names = (part.strip().split("/", 1)[0].split(" ", 1)[0] for part in server.lower().split(","))
    return [name for name in names if name]


def _header_clues(headers: Mapping[str, str]) -> list[Clue]:
    lowered = {k.lower(): v for k, v in headers.items()}
    server = lowered.get("server", "").lower()
    clues: list[Clue] = []
    if "cf-ray" in lowered:
        clues.append(Clue("cloudflare", "cf-ray header", 0.6))
    if "cloudflare" in server_products(server):
        clues.append(Clue("cloudflare", "server: cloudflare", 0.5))
    if lowered.get("cf-mitigated", "").strip().lower() == "challenge":
        clues.append(Clue("cloudflare", "cf-mitigated: challenge", 0.95, "bot_management"))
    if (
        "x-datadome" in lowered
        or "x-datadome-cid" in lowered
        or "datadome" in server_products(server)
    ):
        clues.append(Clue("datadome", "x-datadome header", 0.95))
    if "akamaighost" in server or "x-akamai-transformed" in lowered:
        clues.append(Clue("akamai", "Akamai edge header", 0.5))
    if "x-iinfo" in lowered or "incapsula" in lowered.get("x-cdn", "").lower():
        clues.append(Clue("imperva", "x-iinfo / x-cdn: Incapsula header", 0.9))
    if "x-amzn-waf-action" in lowered:
        clues.append(Clue("aws_waf", f"x-amzn-waf-action: {lowered['x-amzn-waf-action']}", 0.95))
    if any(name.startswith("x-kpsdk-") for name in lowered):
        clues.append(Clue("kasada", "x-kpsdk-* header", 0.95))
    return clues


def _cookie_clues(names: Iterable[str]) -> list[Clue]:
    clues: list[Clue] = []
    for name in names:
        lowered = name.lower()
        for prefix, vendor, weight, product in _COOKIE_RULES:
            if lowered.startswith(prefix):
                clues.append(Clue(vendor, f"{name} cookie", weight, product))
                break
    return clues


def _html_clues(html: str) -> list[Clue]:
    lowered = html.lower()
    clues = [
        Clue(vendor, evidence, weight, product)
        for marker, vendor, evidence, weight, product in _HTML_RULES
        if marker in lowered
    ]
    for widget in sorted(set(_WIDGET_PATTERN.findall(lowered))):
        clues.append(Clue(_WIDGET_CLASSES[widget], f"visible {widget} widget", 0.95, "widget"))
    return clues


def _attempt_vendor(error: str | None) -> str | None:
    if not error or not error.startswith(("CHALLENGE_DETECTED", "BLOCKED_BY_ANTIBOT")):
        return None
    lowered = error.lower()
    return next((v for name, v in _ATTEMPT_VENDOR_NAMES.items() if name in lowered), None)


def _challenge_clues(page: PageView, attempts: Sequence[AttemptView]) -> list[Clue]:
    """Challenges the escalation met on earlier tiers, and one the final page may still show."""
    clues: list[Clue] = []
    for attempt in attempts:
        vendor = _attempt_vendor(attempt.error) if attempt.outcome == "challenge" else None
        if vendor is not None:
            clues.append(Clue(vendor, f"challenge at tier {attempt.tier}", 0.95, "challenge"))
    if page.status_code is not None:
        verdict = classify_response(page.status_code, page.headers, page.html)
        if verdict.kind == "challenge" and verdict.vendor in _DEFAULT_PRODUCTS:
            clues.append(Clue(verdict.vendor, verdict.reason, 0.95, "challenge"))
    return clues


def _merge(clues: Iterable[Clue]) -> list[VendorFinding]:
    found: dict[str, VendorFinding] = {}
    for clue in clues:
        finding = found.setdefault(
            clue.vendor, VendorFinding(clue.vendor, _DEFAULT_PRODUCTS[clue.vendor])
        )
        if clue.product == "challenge":
            finding.challenged = True
        elif clue.product == "widget":
            finding.widget_visible = True
        elif clue.product is not None:
            finding.product = clue.product
        if clue.evidence not in finding.evidence:
            finding.evidence.append(clue.evidence)
            finding.weights.append(clue.weight)
    for finding in found.values():
        if finding.challenged and finding.vendor in ("cloudflare", "akamai"):
            finding.product = "bot_management" if finding.vendor == "cloudflare" else "bot_manager"
    return sorted(found.values(), key=lambda f: (-f.confidence, f.vendor))


def detect_anti_bot(page: PageView, attempts: Sequence[AttemptView]) -> list[VendorFinding]:
    """Every vendor seen in headers, cookies, scripts or challenge pages; most certain first."""
    clues = _header_clues(page.headers) + _cookie_clues(page.cookie_names)
    if page.html:
        clues += _html_clues(page.html)
    return _merge(clues + _challenge_clues(page, attempts))


# (category, name, lower-case HTML substrings)
_TECH_HTML_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("frameworks", "next.js", ("__next_data__", "/_next/static/", 'id="__next"')),
    ("frameworks", "nuxt", ("__nuxt__", "/_nuxt/", 'id="__nuxt"')),
    ("frameworks", "react", ("data-reactroot", "react-dom", "__next_data__", "/_next/static/")),
    ("frameworks", "vue", ("data-v-app", "vue.min.js", "vue.global", "/vue@", "__nuxt__")),
    ("frameworks", "angular", ("ng-version=", "<app-root", "ng-app=")),
    ("cms", "wordpress", ("/wp-content/", "/wp-includes/")),
    ("cms", "drupal", ("drupal-settings-json", "/sites/default/files/", "drupal.settings")),
    ("ecommerce", "shopify", ("cdn.shopify.com", "shopify.theme", "myshopify.com")),
    ("ecommerce", "woocommerce", ("/plugins/woocommerce/", "woocommerce-page", "wc-block")),
    ("ecommerce", "magento", ("mage/cookies", "magento_", "data-mage-init")),
    ("analytics", "ga4", ("googletagmanager.com/gtag/js?id=g-", "gtag('config', 'g-")),
    ("analytics", "gtm", ("googletagmanager.com/gtm.js", "googletagmanager.com/ns.html")),
    ("analytics", "segment", ("cdn.segment.com/analytics.js", "analytics.segment.io")),
)
_GENERATORS = {
    "wordpress": ("cms", "wordpress"),
    "drupal": ("cms", "drupal"),
    "woocommerce": ("ecommerce", "woocommerce"),
    "magento": ("ecommerce", "magento"),
    "shopify": ("ecommerce", "shopify"),
    "next.js": ("frameworks", "next.js"),
    "nuxt": ("frameworks", "nuxt"),
}
_GENERATOR_META = re.compile(
    r"""<meta[^>]+name\s*=\s*["']generator["'][^>]*content\s*=\s*["']([^"']+)""", re.I
)
_SERVERS = ("cloudflare", "nginx", "apache", "microsoft-iis", "litespeed", "openresty", "caddy")
TECH_CATEGORIES = ("frameworks", "cms", "ecommerce", "cdn", "analytics", "servers")


def _header_tech(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    lowered = {k.lower(): v.lower() for k, v in headers.items()}
    found: list[tuple[str, str]] = []
    server = lowered.get("server", "")
    powered = lowered.get("x-powered-by", "")
    products = server_products(server)
    if "cf-ray" in lowered or "cloudflare" in products:
        found.append(("cdn", "cloudflare"))
    if "x-fastly-request-id" in lowered or "fastly" in lowered.get("x-served-by", "") + server:
        found.append(("cdn", "fastly"))
    if "akamaighost" in server or any(name.startswith("x-akamai-") for name in lowered):
        found.append(("cdn", "akamai"))
    if "x-amz-cf-id" in lowered or "cloudfront" in lowered.get("via", ""):
        found.append(("cdn", "cloudfront"))
    if "next.js" in powered:
        found += [("frameworks", "next.js"), ("frameworks", "react")]
    if any(name.startswith("x-shopify") or name == "x-shopid" for name in lowered):
        found.append(("ecommerce", "shopify"))
    if "x-drupal-cache" in lowered or "drupal" in lowered.get("x-generator", ""):
        found.append(("cms", "drupal"))
    if any(name.startswith("x-magento") for name in lowered):
        found.append(("ecommerce", "magento"))
    for product in products:
        found.append(("servers", next((s for s in _SERVERS if product.startswith(s)), product)))
    return found


def _html_tech(html: str) -> list[tuple[str, str]]:
    lowered = html.lower()
    found = [
        (category, name)
        for category, name, markers in _TECH_HTML_RULES
        if any(marker in lowered for marker in markers)
    ]
    for generator in _GENERATOR_META.findall(html):
        for key, hit in _GENERATORS.items():
            if key in generator.lower():
                found.append(hit)
    return found


def detect_tech_stack(headers: Mapping[str, str], html: str | None) -> dict[str, list[str]]:
    """Frameworks, CMS, shop software, CDN, analytics and servers, each list sorted."""
    stack: dict[str, set[str]] = {category: set() for category in TECH_CATEGORIES}
    for category, name in _header_tech(headers) + (_html_tech(html) if html else []):
        stack[category].add(name)
    return {category: sorted(names) for category, names in stack.items()}
