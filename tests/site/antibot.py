"""Imitations of anti-bot challenge and block pages (markers only; no vendor code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.site.pages import simple_page


@dataclass(frozen=True)
class CannedPage:
    status: int
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    vendor: str = "generic"  # what the classifier should report


CHALLENGES: dict[str, CannedPage] = {
    "cloudflare": CannedPage(
        403,
        simple_page(
            "Just a moment...",
            '<div id="challenge-stage"><h1>Checking your browser</h1></div>'
            '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>'
            '<form id="challenge-form" action="/?__cf_chl_f_tk=abc" method="POST"></form>',
        ),
        {"cf-mitigated": "challenge", "server": "cloudflare", "cf-ray": "8a1b2c3d4e5f-AMS"},
        "cloudflare",
    ),
    "cloudflare-attention": CannedPage(
        403,
        simple_page(
            "Attention Required! | Cloudflare",
            "<h1>Sorry, you have been blocked</h1><p>You are unable to access this site.</p>",
        ),
        {"server": "cloudflare"},
        "cloudflare",
    ),
    "datadome": CannedPage(
        403,
        simple_page(
            "example.com",
            "<script>var dd={'rt':'c','cid':'AHrlqA','hsh':'0F8E','t':'fe'}</script>"
            '<script src="https://ct.captcha-delivery.com/c.js"></script>',
        ),
        {"x-datadome": "protected", "x-dd-b": "1"},
        "datadome",
    ),
    "perimeterx": CannedPage(
        403,
        simple_page(
            "Access to this page has been denied",
            '<div id="px-captcha"></div><script>window._pxAppId="PXabc";'
            "window._pxCaptcha=true;</script><p>Press and hold to confirm.</p>",
        ),
        vendor="perimeterx",
    ),
    "imperva": CannedPage(
        403,
        simple_page(
            "Request unsuccessful",
            '<iframe src="/_Incapsula_Resource?SWUDNSAI=31&xinfo=1" frameborder=0></iframe>'
            "<p>Request unsuccessful. Incapsula incident ID: 123000450012345678-987</p>",
        ),
        vendor="imperva",
    ),
    "akamai": CannedPage(
        403,
        simple_page(
            "Access Denied",
            "<h1>Access Denied</h1><p>You don't have permission to access this page on "
            "this server.</p><p>Reference #18.6f2d3e17.1700000000.1a2b3c4d</p>"
            "<p>https://errors.edgesuite.net/18.6f2d3e17.1700000000.1a2b3c4d</p>",
        ),
        {"server": "AkamaiGHost"},
        "akamai",
    ),
    "aws-waf": CannedPage(
        403,
        simple_page("Verification", '<div id="captcha-container"></div>'),
        {"x-amzn-waf-action": "captcha"},
        "aws_waf",
    ),
    "kasada": CannedPage(
        429,
        simple_page("", '<script src="/ips.js?KP_UIDz=abc"></script>'),
        {"x-kpsdk-ct": "0abc", "x-kpsdk-r": "1-AA"},
        "kasada",
    ),
    "recaptcha": CannedPage(
        403,
        simple_page(
            "Security check",
            "<p>Please complete the security check to continue.</p>"
            '<div class="g-recaptcha" data-sitekey="6Lc_fixture"></div>'
            '<script src="https://www.google.com/recaptcha/api.js" async defer></script>',
        ),
        vendor="recaptcha",
    ),
    "hcaptcha": CannedPage(
        403,
        simple_page(
            "Security check",
            '<p>One more step.</p><div class="h-captcha" data-sitekey="10000000-ffff"></div>'
            '<script src="https://js.hcaptcha.com/1/api.js" async defer></script>',
        ),
        vendor="hcaptcha",
    ),
    "turnstile": CannedPage(
        503,
        simple_page(
            "One moment",
            '<p>Checking the connection.</p><div class="cf-turnstile" data-sitekey="0x4AAA">'
            '</div><script src="https://challenges.cloudflare.com/turnstile/v0/api.js">'
            "</script>",
        ),
        vendor="turnstile",
    ),
}

BLOCKS: dict[str, CannedPage] = {
    "access-denied": CannedPage(
        200,
        simple_page(
            "Access denied",
            "<h1>Access denied</h1><p>You do not have permission to view this page. "
            "If you think this is a mistake, contact the site owner.</p>",
        ),
    ),
    "pardon": CannedPage(
        200,
        simple_page(
            "Pardon Our Interruption",
            "<h1>Pardon Our Interruption</h1><p>As you were browsing something about your "
            "browser made us think you were a bot.</p>",
        ),
    ),
    "unusual-traffic": CannedPage(
        200,
        simple_page(
            "Sorry",
            "<p>Our systems have detected unusual traffic from your computer network.</p>",
        ),
    ),
    "robot": CannedPage(
        403,
        simple_page("Are you a robot?", "<p>Please verify you are human to continue.</p>"),
    ),
}
