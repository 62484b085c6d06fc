"""Site analysis (spec platform-api A.10): detectors, score arithmetic, submissions. Pure."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.tiers import Tier
from scrapegate.engine.site_pages import (
    MAX_ENDPOINTS,
    detect_api_endpoints,
    detect_cookie_gate,
    detect_login_wall,
    detect_pagination,
    parse_page,
)
from scrapegate.engine.site_report import (
    analyze,
    evidence_from_failure,
    evidence_from_result,
    server_report,
)
from scrapegate.engine.site_score import (
    SiteFacts,
    estimated_credits,
    grade_for,
    recommended_tier,
    score_of,
    signals_for,
)
from scrapegate.engine.site_signals import (
    AttemptView,
    PageView,
    detect_anti_bot,
    detect_tech_stack,
)
from scrapegate.engine.site_submission import parse_submitted_report
from scrapegate.errors import InvalidRequest

URL = "https://shop.example.com/c/shoes"
PRICES = PriceTable.defaults()


def page(
    html: str | None = None,
    headers: dict[str, str] | None = None,
    cookies: tuple[str, ...] = (),
    status: int = 200,
) -> PageView:
    return PageView(URL, URL, status, headers or {}, cookies, html)


def vendors(view: PageView, attempts: tuple[AttemptView, ...] = ()) -> dict[str, Any]:
    return {f.vendor: f for f in detect_anti_bot(view, attempts)}


def signal_ids(view: PageView, attempts: tuple[AttemptView, ...] = ()) -> set[str]:
    facts = SiteFacts(vendors=detect_anti_bot(view, attempts))
    return {s["id"] for s in signals_for(facts)}


# --- anti-bot vendors -----------------------------------------------------------------------


def test_cloudflare_cdn_alone_is_detected_but_costs_nothing() -> None:
    view = page("<p>hi</p>", {"cf-ray": "8a-AMS", "server": "cloudflare"})
    found = vendors(view)["cloudflare"]
    assert found.product == "cdn"
    assert found.evidence == ["cf-ray header", "server: cloudflare"]
    assert 0.5 < found.confidence < 0.95
    assert signal_ids(view) == set()


def test_cloudflare_managed_challenge_header_costs_thirty() -> None:
    view = page("<p>x</p>", {"cf-mitigated": "challenge", "cf-ray": "1"}, ("__cf_bm",), 403)
    found = vendors(view)["cloudflare"]
    assert found.product == "bot_management" and found.challenged
    assert "__cf_bm cookie" in found.evidence
    assert signal_ids(view) == {"cf_challenge"}


def test_challenge_met_on_an_earlier_tier_counts() -> None:
    attempts = (
        AttemptView("1", "challenge", 403, "CHALLENGE_DETECTED: Cloudflare challenge (HTTP 403)"),
        AttemptView("2", "success", 200),
    )
    found = vendors(page("<p>fine</p>"), attempts)["cloudflare"]
    assert found.challenged and "challenge at tier 1" in found.evidence
    assert signal_ids(page("<p>fine</p>"), attempts) == {"cf_challenge"}


@pytest.mark.parametrize(
    ("view", "vendor", "signal_id"),
    [
        (page(cookies=("datadome",)), "datadome", "datadome"),
        (page(headers={"x-datadome": "protected"}), "datadome", "datadome"),
        (page(cookies=("_px3", "_pxvid")), "perimeterx", "perimeterx"),
        (
            page('<script src="//client.perimeterx.net/PXa/main.min.js"></script>'),
            "perimeterx",
            "perimeterx",
        ),
        (page(cookies=("_abck", "ak_bmsc")), "akamai", "akamai_bot_manager"),
        (page(cookies=("incap_ses_123_456",)), "imperva", "imperva"),
        (page(headers={"x-iinfo": "1-2-3"}), "imperva", "imperva"),
        (page(cookies=("aws-waf-token",)), "aws_waf", "aws_waf"),
        (page(headers={"x-amzn-waf-action": "captcha"}, status=405), "aws_waf", "aws_waf"),
        (page(headers={"x-kpsdk-ct": "abc"}), "kasada", "kasada"),
    ],
)
def test_protection_vendors(view: PageView, vendor: str, signal_id: str) -> None:
    assert vendor in vendors(view)
    assert signal_id in signal_ids(view)


def test_akamai_edge_alone_is_a_cdn_not_bot_manager() -> None:
    view = page("<p>x</p>", {"server": "AkamaiGHost"})
    assert vendors(view)["akamai"].product == "cdn"
    assert signal_ids(view) == set()


@pytest.mark.parametrize(
    ("markup", "vendor"),
    [
        ('<div class="g-recaptcha" data-sitekey="k"></div>', "recaptcha"),
        ('<div class="h-captcha" data-sitekey="k"></div>', "hcaptcha"),
        ('<div class="cf-turnstile" data-sitekey="k"></div>', "turnstile"),
    ],
)
def test_visible_captcha_widget_costs_fifteen(markup: str, vendor: str) -> None:
    view = page(f"<form>{markup}<input name=q></form>")
    assert vendors(view)[vendor].widget_visible
    assert signal_ids(view) == {"captcha_widget"}


def test_invisible_recaptcha_script_is_detected_without_deduction() -> None:
    view = page('<script src="https://www.google.com/recaptcha/api.js?render=KEY"></script>')
    found = vendors(view)["recaptcha"]
    assert found.product == "captcha" and not found.widget_visible
    assert signal_ids(view) == set()


def test_a_plain_page_has_no_vendor() -> None:
    assert detect_anti_bot(page("<p>Hello</p>", {"server": "nginx"}), ()) == []


# --- tech stack -----------------------------------------------------------------------------


def test_tech_stack_from_markup_and_headers() -> None:
    html = (
        '<div id="__next"></div><script id="__NEXT_DATA__" type="application/json">{}</script>'
        '<script src="https://cdn.shopify.com/s/x.js"></script>'
        '<script src="https://www.googletagmanager.com/gtag/js?id=G-ABC"></script>'
        '<script src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script>'
        '<script src="https://cdn.segment.com/analytics.js/v1/k/analytics.min.js"></script>'
    )
    stack = detect_tech_stack({"server": "cloudflare", "cf-ray": "1"}, html)
    assert stack == {
        "frameworks": ["next.js", "react"],
        "cms": [],
        "ecommerce": ["shopify"],
        "cdn": ["cloudflare"],
        "analytics": ["ga4", "gtm", "segment"],
        "servers": ["cloudflare"],
    }


@pytest.mark.parametrize(
    ("html", "headers", "category", "name"),
    [
        ('<meta name="generator" content="WordPress 6.4">', {}, "cms", "wordpress"),
        ('<link href="/wp-content/themes/x/style.css">', {}, "cms", "wordpress"),
        (
            '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">',
            {},
            "cms",
            "drupal",
        ),
        ("<p>x</p>", {"x-drupal-cache": "HIT"}, "cms", "drupal"),
        ('<meta name="generator" content="WooCommerce 8.0">', {}, "ecommerce", "woocommerce"),
        ("<div data-mage-init='{\"x\":1}'></div>", {}, "ecommerce", "magento"),
        ('<div id="__nuxt"></div><script>window.__NUXT__={}</script>', {}, "frameworks", "nuxt"),
        ("<div id=app data-v-app></div>", {}, "frameworks", "vue"),
        ('<app-root ng-version="17.0.0"></app-root>', {}, "frameworks", "angular"),
        ("<div data-reactroot></div>", {}, "frameworks", "react"),
        ("<p>x</p>", {"x-powered-by": "Next.js"}, "frameworks", "next.js"),
        ("<p>x</p>", {"x-fastly-request-id": "abc"}, "cdn", "fastly"),
        ("<p>x</p>", {"server": "AkamaiGHost"}, "cdn", "akamai"),
        ("<p>x</p>", {"server": "nginx/1.25.3"}, "servers", "nginx"),
        ("<p>x</p>", {"server": "Apache/2.4.58 (Unix)"}, "servers", "apache"),
        ("<p>x</p>", {"server": "uvicorn, cloudflare"}, "cdn", "cloudflare"),
    ],
)
def test_single_technologies(html: str, headers: dict[str, str], category: str, name: str) -> None:
    assert name in detect_tech_stack(headers, html)[category]


# --- pagination, endpoints, login wall, cookie gate ----------------------------------------


def pagination_of(html: str, endpoints: list[dict[str, object]] | None = None) -> dict[str, Any]:
    return detect_pagination(parse_page(html), URL, endpoints or [])


def test_rel_next_wins() -> None:
    found = pagination_of('<link rel="next" href="?page=2"><a href="?page=3">3</a>')
    assert found == {
        "type": "rel_next",
        "selector": "link[rel=next]",
        "example_urls": [f"{URL}?page=2"],
    }


def test_numbered_links_in_a_pager() -> None:
    html = (
        '<ul class="pagination"><li><a href="/c/shoes?page=2">2</a></li>'
        '<li><a href="/c/shoes/page/3/">3</a></li></ul>'
    )
    found = pagination_of(html)
    assert found["type"] == "numbered"
    assert found["selector"] == "ul.pagination a"
    assert found["example_urls"] == [
        "https://shop.example.com/c/shoes?page=2",
        "https://shop.example.com/c/shoes/page/3/",
    ]


def test_next_text_link() -> None:
    found = pagination_of('<a href="/c/shoes/older">Next</a>')
    assert found["type"] == "next_link"
    assert found["example_urls"] == ["https://shop.example.com/c/shoes/older"]


def test_load_more_button() -> None:
    found = pagination_of('<button class="load-more btn">Load more</button>')
    assert found == {"type": "load_more", "selector": "button.load-more", "example_urls": []}
    assert pagination_of("<button class=btn>Show more results</button>")["type"] == "load_more"


def test_infinite_scroll_sentinel() -> None:
    found = pagination_of('<div id="feed"></div><div class="scroll-sentinel"></div>')
    assert found == {
        "type": "infinite_scroll",
        "selector": "div.scroll-sentinel",
        "example_urls": [],
    }


def test_cursor_parameters_in_endpoints_and_none() -> None:
    endpoints: list[dict[str, object]] = [
        {"url": "https://shop.example.com/api/items?cursor=abc"},
        {"url": "https://shop.example.com/api/other"},
    ]
    found = pagination_of("<p>x</p>", endpoints)
    assert found["type"] == "cursor"
    assert found["example_urls"] == ["https://shop.example.com/api/items?cursor=abc"]
    assert pagination_of("<p>plain</p>") == {"type": "none", "selector": None, "example_urls": []}


def test_api_endpoints_from_scripts() -> None:
    html = (
        '<link rel="preload" as="fetch" href="/api/boot">'
        "<script>fetch('/api/products?page=2').then(r => r.json());"
        "fetch(\"/api/cart\", {method: 'POST'});"
        "axios.put('https://api.example.com/v1/items/3');"
        "var x = new XMLHttpRequest(); x.open('GET', '/search/suggest');"
        "const q = {endpoint: '/graphql'}; const d = '/static/data.json';"
        "fetch(`/api/${id}`);</script>"
        '<script type="application/ld+json">{"url": "/api/not-an-endpoint"}</script>'
    )
    found = {e["url"]: e for e in detect_api_endpoints(parse_page(html), URL)}
    base = "https://shop.example.com"
    assert set(found) == {
        f"{base}/api/boot",
        f"{base}/api/products?page=2",
        f"{base}/api/cart",
        "https://api.example.com/v1/items/3",
        f"{base}/search/suggest",
        f"{base}/graphql",
        f"{base}/static/data.json",
    }
    assert found[f"{base}/api/cart"]["method"] == "POST"
    assert found["https://api.example.com/v1/items/3"]["method"] == "PUT"
    assert found[f"{base}/graphql"] == {
        "url": f"{base}/graphql",
        "method": "POST",
        "kind": "graphql",
        "content_type": "application/json",
    }
    assert found[f"{base}/search/suggest"]["kind"] == "xhr"
    assert found[f"{base}/static/data.json"]["kind"] == "json"


def test_api_endpoints_are_capped() -> None:
    calls = "".join(f"fetch('/api/item/{i}');" for i in range(MAX_ENDPOINTS + 20))
    assert len(detect_api_endpoints(parse_page(f"<script>{calls}</script>"), URL)) == MAX_ENDPOINTS


def test_login_wall() -> None:
    form = parse_page('<form><input type="PASSWORD" name="pw"></form>')
    assert detect_login_wall(form, URL, URL) == "password field on the page"
    login = "https://shop.example.com/account/login?next=/c/shoes"
    assert detect_login_wall(None, URL, login) == "redirected to /account/login"
    assert detect_login_wall(None, "https://x.example/login", "https://x.example/login") is None
    assert detect_login_wall(None, URL, URL, status_code=401) == "HTTP 401"
    assert detect_login_wall(parse_page("<p>open</p>"), URL, URL) is None


def test_cookie_gate() -> None:
    onetrust = '<div id="onetrust-banner-sdk" class="otFlat">We use cookies</div>'
    assert detect_cookie_gate(parse_page(onetrust), onetrust) == (
        "OneTrust consent overlay (onetrust-banner-sdk)"
    )
    dialog = '<div role="dialog" aria-modal="true" class="cookie-notice">Accept?</div>'
    assert detect_cookie_gate(parse_page(dialog), dialog) == "consent dialog div.cookie-notice"
    plain = "<p>We bake cookies.</p>"
    assert detect_cookie_gate(parse_page(plain), plain) is None


# --- score, grade, tier ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "score"),
    [
        ([], 100),
        (["kasada"], 55),
        (["datadome"], 60),
        (["perimeterx"], 60),
        (["akamai_bot_manager"], 65),
        (["cf_challenge"], 70),
        (["imperva"], 70),
        (["aws_waf"], 80),
        (["captcha_widget"], 85),
        (["js_required"], 85),
        (["login_wall"], 75),
        (["rate_limited"], 90),
        (["robots_disallowed"], 90),
        (["cookie_gate"], 95),
        (["cf_challenge", "js_required", "cookie_gate", "rate_limited"], 40),
        (["cf_challenge", "cf_challenge"], 70),
        (["kasada", "datadome", "perimeterx"], 0),
        (["kasada", "datadome", "perimeterx", "login_wall", "js_required"], 0),
    ],
)
def test_score_deductions_and_floor(ids: list[str], score: int) -> None:
    assert score_of([{"id": i} for i in ids] + [{"id": "info_only"}]) == score


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "A"),
        (85, "A"),
        (84, "B"),
        (70, "B"),
        (69, "C"),
        (55, "C"),
        (54, "D"),
        (40, "D"),
        (39, "F"),
        (0, "F"),
    ],
)
def test_grade_boundaries(score: int, grade: str) -> None:
    assert grade_for(score) == grade


def test_recommended_tier() -> None:
    assert recommended_tier("F", "2", captcha_solver=False) == Tier.HTTP
    assert recommended_tier("A", None, captcha_solver=False) == Tier.CURL
    assert recommended_tier("B", None, captcha_solver=False) == Tier.STEALTH
    assert recommended_tier("C", None, captcha_solver=False) == Tier.STEALTH
    assert recommended_tier("D", None, captcha_solver=True) == Tier.BROWSER
    assert recommended_tier("F", None, captcha_solver=True) == Tier.CAPTCHA
    assert recommended_tier("F", None, captcha_solver=False) == Tier.BROWSER


def test_estimated_credits_follow_the_price_table() -> None:
    assert estimated_credits(Tier.BROWSER, PRICES) == {
        "recommended_tier": "4",
        "per_page_microcents": 4000,
        "per_1000_pages_microcents": 4_000_000,
    }


# --- whole analysis -------------------------------------------------------------------------


def scrape_result(**fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "url": URL,
        "final_url": URL,
        "status_code": 200,
        "headers": {"server": "nginx"},
        "raw_html": "<html><body><p>Shoes for everyone.</p></body></html>",
        "title": "Shoes",
        "response_time_ms": 3120,
        "redirect_chain": [],
        "billing": {
            "tier_used": "1",
            "escalations": [{"tier": "1", "result": "success", "error": None, "duration_ms": 40}],
        },
    }
    result.update(fields)
    return result


def test_clean_page_scores_a_at_tier_one() -> None:
    report = analyze(
        evidence_from_result(scrape_result()),
        robots_allows=True,
        prices=PRICES,
        captcha_solver=False,
    )
    assert report.score == 100 and report.grade == "A"
    assert report.domain == "shop.example.com" and report.title == "Shoes"
    assert report.estimated_credits["recommended_tier"] == "1"
    assert report.meta["status_code"] == 200
    assert report.meta["tier_that_worked"] == "1"
    assert report.meta["response_time_ms"] == 3120
    assert report.meta["js_required"] is False


def test_escalated_scrape_with_429_robots_and_browser() -> None:
    billing = {
        "tier_used": "4",
        "escalations": [
            {"tier": "1", "result": "failed", "error": "RATE_LIMITED: Rate limited (HTTP 429)"},
            {"tier": "1", "result": "failed", "error": "RATE_LIMITED: Rate limited (HTTP 429)"},
            {"tier": "2", "result": "failed", "error": "JS_SHELL: JavaScript shell: empty #root"},
            {"tier": "3.5", "result": "skipped", "error": "no browser"},
            {"tier": "4", "result": "success", "error": None},
        ],
    }
    report = analyze(
        evidence_from_result(scrape_result(billing=billing)),
        robots_allows=False,
        prices=PRICES,
        captcha_solver=False,
    )
    ids = [s["id"] for s in report.signals]
    assert ids == ["js_required", "rate_limited", "robots_disallowed"]
    assert report.score == 100 - 15 - 10 - 10 and report.grade == "C"
    assert report.estimated_credits["per_page_microcents"] == 4000
    assert [a["outcome"] for a in report.meta["attempts"]] == [
        "rate_limited",
        "rate_limited",
        "js_shell",
        "success",
    ]
    assert report.meta["robots_allows"] is False


def test_failed_scrape_still_reports_the_wall() -> None:
    details = {
        "attempts": [
            {
                "tier": t,
                "outcome": "challenge",
                "http_status": 403,
                "error": "CHALLENGE_DETECTED: DataDome challenge (HTTP 403)",
            }
            for t in ("1", "2", "3")
        ]
    }
    report = analyze(
        evidence_from_failure(URL, details), robots_allows=True, prices=PRICES, captcha_solver=True
    )
    assert [v["vendor"] for v in report.anti_bot_stack] == ["datadome"]
    assert report.score == 60 and report.grade == "C"
    assert report.meta["tier_that_worked"] is None
    assert report.estimated_credits["recommended_tier"] == "3"


def test_server_report_keeps_the_documents_as_built() -> None:
    analysis = analyze(
        evidence_from_result(scrape_result()),
        robots_allows=None,
        prices=PRICES,
        captcha_solver=False,
    )
    report = server_report(analysis, "org-1")

    assert report.source == "server" and report.org_id == "org-1"
    assert (report.domain, report.score, report.grade) == ("shop.example.com", 100, "A")
    assert list(report.meta) == [
        "status_code",
        "tier_that_worked",
        "js_required",
        "robots_allows",
        "response_time_ms",
        "attempts",
    ]
    assert report.meta["attempts"] == [{"tier": "1", "outcome": "success", "http_status": 200}]
    assert report.estimated_credits == analysis.estimated_credits
    assert list(report.pagination) == ["type", "selector", "example_urls"]
    assert list(report.tech_stack) == list(analysis.tech_stack)


# --- submissions ----------------------------------------------------------------------------


def submission(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"domain": "shop.example.com", "url": URL, "score": 46}
    body.update(fields)
    return body


def test_submission_is_stored_as_given_with_a_grade() -> None:
    report = parse_submitted_report(
        submission(title="Shoes", signals=[{"id": "x"}], cookie_count=3, has_cookie_gate=True)
    )
    assert report.source == "submitted" and report.grade == "D"
    assert report.signals == [{"id": "x"}] and report.cookie_count == 3
    assert report.has_cookie_gate is True and report.has_login_wall is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (submission(domain="other.example.com"), "domain"),
        (submission(domain=None), "domain"),
        (submission(url="ftp://shop.example.com/x"), "url"),
        (submission(score=101), "score"),
        (submission(score=-1), "score"),
        (submission(score=True), "score"),
        (submission(score="50"), "score"),
        (submission(signals=[{}] * 201), "signals"),
        (submission(anti_bot_stack=[{}] * 51), "anti_bot_stack"),
        (submission(api_endpoints=[{}] * 101), "api_endpoints"),
        (submission(signals=["text"]), "signals"),
        (submission(tech_stack=[]), "tech_stack"),
        (submission(cookie_count=-2), "cookie_count"),
        (submission(has_login_wall="yes"), "has_login_wall"),
        (submission(title=5), "title"),
    ],
)
def test_submission_validation(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_submitted_report(body)
    assert caught.value.details is not None and caught.value.details["field"] == field


def test_submission_limits_are_inclusive_and_domain_case_insensitive() -> None:
    report = parse_submitted_report(
        submission(domain="Shop.Example.COM", signals=[{}] * 200, score=100.0)
    )
    assert report.domain == "shop.example.com" and report.score == 100
