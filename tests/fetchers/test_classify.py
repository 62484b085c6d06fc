"""classify_response and looks_like_js_shell: every vendor marker, block phrases, JS shells."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scrapegate.engine.classify import classify_response, looks_like_js_shell
from scrapegate.fetchers import FetchRequest, decode_html
from scrapegate.fetchers.base import Fetcher
from tests.site import pages
from tests.site.antibot import BLOCKS, CHALLENGES
from tests.site.server import FixtureSite

HTML = {"content-type": "text/html; charset=utf-8"}
LONG_TEXT = " ".join(["Plenty of ordinary article words here."] * 60)  # 360 words


def page(body: str, title: str = "Page") -> str:
    return pages.simple_page(title, body)


@pytest.mark.parametrize("name", sorted(CHALLENGES))
def test_canned_challenges(name: str):
    canned = CHALLENGES[name]
    verdict = classify_response(canned.status, {**HTML, **canned.headers}, canned.html)
    assert verdict.kind == "challenge"
    assert verdict.vendor == canned.vendor
    assert f"(HTTP {canned.status})" in verdict.reason


@pytest.mark.parametrize(
    ("headers", "vendor"),
    [
        ({"cf-mitigated": "challenge"}, "cloudflare"),
        ({"CF-Mitigated": "Challenge"}, "cloudflare"),
        ({"x-datadome": "protected"}, "datadome"),
        ({"x-amzn-waf-action": "captcha"}, "aws_waf"),
        ({"x-amzn-waf-action": "challenge"}, "aws_waf"),
        ({"x-kpsdk-ct": "abc"}, "kasada"),
        ({"X-KPSDK-CD": "abc"}, "kasada"),
    ],
)
@pytest.mark.parametrize("status", [403, 429, 503])
def test_header_markers(headers: dict[str, str], vendor: str, status: int):
    verdict = classify_response(status, {**HTML, **headers}, page(LONG_TEXT))
    assert (verdict.kind, verdict.vendor) == ("challenge", vendor)


@pytest.mark.parametrize(
    ("snippet", "vendor"),
    [
        (
            '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/jsch/v1"></script>',
            "cloudflare",
        ),
        ('<input name="cf-chl-bypass">', "cloudflare"),
        ("<title>Just a moment...</title>", "cloudflare"),
        ("<title>Attention Required! | Cloudflare</title>", "cloudflare"),
        ('<script src="https://geo.captcha-delivery.com/captcha/"></script>', "datadome"),
        ('<div id="px-captcha"></div>', "perimeterx"),
        ("<script>window._pxCaptcha = 1</script>", "perimeterx"),
        ("<p>Incapsula incident ID: 1-2</p>", "imperva"),
        ('<iframe src="/_Incapsula_Resource?x=1"></iframe>', "imperva"),
        ("<p>Reference #18.abc</p><p>https://errors.edgesuite.net/18.abc</p>", "akamai"),
    ],
)
def test_body_markers(snippet: str, vendor: str):
    verdict = classify_response(403, HTML, page(snippet))
    assert (verdict.kind, verdict.vendor) == ("challenge", vendor)


def test_akamai_needs_both_markers():
    assert classify_response(403, HTML, page("<p>Reference #18.abc</p>")).kind == "ok"


@pytest.mark.parametrize(
    ("widget", "vendor"),
    [
        ('<div class="g-recaptcha" data-sitekey="k"></div>', "recaptcha"),
        ('<script src="https://www.google.com/recaptcha/api.js"></script>', "recaptcha"),
        ('<div class="h-captcha" data-sitekey="k"></div>', "hcaptcha"),
        ('<div class="cf-turnstile" data-sitekey="k"></div>', "turnstile"),
    ],
)
def test_captcha_widgets_on_small_pages_only(widget: str, vendor: str):
    small = classify_response(403, HTML, page(f"<p>Please continue.</p>{widget}"))
    assert (small.kind, small.vendor) == ("challenge", vendor)
    large = classify_response(403, HTML, page(f"<p>{LONG_TEXT}</p>{widget}"))
    assert large.kind == "ok"


@pytest.mark.parametrize("status", [200, 401, 404, 500])
def test_markers_need_a_challenge_status(status: int):
    canned = CHALLENGES["cloudflare"]
    verdict = classify_response(status, {**HTML, **canned.headers}, canned.html)
    assert verdict.kind != "challenge"


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_canned_block_pages(name: str):
    canned = BLOCKS[name]
    verdict = classify_response(canned.status, HTML, canned.html)
    assert verdict.kind == "block"
    assert verdict.vendor == "generic"


@pytest.mark.parametrize(
    "phrase",
    [
        "Access denied",
        "Request blocked",
        "Pardon Our Interruption",
        "unusual traffic",
        "Verify you are human",
        "Are you a robot",
        "Please enable cookies",
    ],
)
def test_block_phrases_in_title_or_text(phrase: str):
    assert classify_response(200, HTML, page("<p>Hello.</p>", title=phrase)).kind == "block"
    assert classify_response(200, HTML, page(f"<h1>{phrase.upper()}</h1>")).kind == "block"


def test_block_phrase_on_a_long_page_is_content():
    body = f"<p>{LONG_TEXT} Access denied errors are explained in this tutorial.</p>"
    assert classify_response(200, HTML, page(body)).kind == "ok"


def test_block_phrase_in_json_is_not_a_block_page():
    verdict = classify_response(
        403, {"content-type": "application/json"}, '{"error": "Access denied"}'
    )
    assert verdict.kind == "ok"


def test_rate_limited_and_unavailable_without_markers():
    assert classify_response(429, HTML, page("<h1>Slow down</h1>")).kind == "rate_limited"
    assert classify_response(503, HTML, page("<h1>Maintenance</h1>")).kind == "unavailable"
    assert classify_response(429, {}, None).kind == "rate_limited"
    assert classify_response(503, {}, "").kind == "unavailable"


@pytest.mark.parametrize("status", [200, 201, 301, 400, 403, 404, 410, 500, 502, 504])
def test_ordinary_pages_are_ok(status: int):
    assert classify_response(status, HTML, pages.ARTICLE_HTML).kind == "ok"


@pytest.mark.parametrize(
    "body",
    [
        '<div id="root"></div><script src="/app.js"></script>',
        '<div id="app">  </div><script src="/app.js"></script>',
        '<div id="__next"></div>',
        '<div id="__nuxt"></div>',
        "<app-root></app-root>",
        '<div data-reactroot=""></div>',
        "<noscript>Please enable JavaScript to use this site.</noscript><div id='main'></div>",
        "<noscript>JavaScript is required.</noscript>",
    ],
)
def test_js_shells(body: str):
    html = page(body)
    assert looks_like_js_shell(html)
    verdict = classify_response(200, HTML, html)
    assert verdict.kind == "js_shell"
    assert verdict.reason.startswith("JavaScript shell")


def test_script_heavy_page_is_a_shell():
    script = "var data = " + "[1,2,3]," * 2000 + "0;"
    html = f"<html><head><script>{script}</script></head><body><p>Hi</p></body></html>"
    assert looks_like_js_shell(html)


def test_server_rendered_spa_is_not_a_shell():
    html = page(f'<div id="__next"><article><p>{LONG_TEXT}</p></article></div>')
    assert not looks_like_js_shell(html)
    assert classify_response(200, HTML, html).kind == "ok"


def test_empty_mount_with_enough_text_is_not_a_shell():
    html = page(f'<div id="root"></div><p>{LONG_TEXT}</p>')
    assert not looks_like_js_shell(html)


def test_short_page_without_shell_signs_is_not_a_shell():
    assert not looks_like_js_shell(pages.THIN_HTML)


def test_js_shell_only_on_success_statuses():
    assert classify_response(404, HTML, page('<div id="root"></div>')).kind == "ok"


def test_xhtml_with_xml_declaration_is_parsed():
    html = '<?xml version="1.0" encoding="utf-8"?>' + page('<div id="root"></div>')
    assert classify_response(200, HTML, html).kind == "js_shell"


@pytest.mark.parametrize("text", [None, "", "   ", "<", "not html at all", "\x00\x01"])
def test_odd_inputs_do_not_crash(text: str | None):
    assert classify_response(200, {}, text).kind == "ok"


# --- on the fixture site, through a real fetch ------------------------------------------------


@pytest.fixture
async def tier1(fetcher_factory: Callable[..., Fetcher]) -> Fetcher:
    return fetcher_factory("1")


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize(
    ("path", "kind", "vendor"),
    [
        ("/article", "ok", None),
        ("/thin", "ok", None),
        ("/json", "ok", None),
        ("/js-shell", "js_shell", None),
        ("/challenge/cloudflare", "challenge", "cloudflare"),
        ("/challenge/datadome", "challenge", "datadome"),
        ("/challenge/perimeterx", "challenge", "perimeterx"),
        ("/challenge/imperva", "challenge", "imperva"),
        ("/challenge/akamai", "challenge", "akamai"),
        ("/challenge/kasada", "challenge", "kasada"),
        ("/block/access-denied", "block", "generic"),
        ("/rate-limited", "rate_limited", None),
        ("/unavailable", "unavailable", None),
        ("/status/404", "ok", None),
    ],
)
async def test_fixture_pages(
    tier1: Fetcher,
    fixture_site: FixtureSite,
    make_request: Callable[..., FetchRequest],
    path: str,
    kind: str,
    vendor: str | None,
):
    response = await tier1.fetch(make_request(fixture_site.url(path)))
    text, _ = decode_html(response.body, response.header_charset)
    verdict = classify_response(response.status_code, response.headers, text)
    assert (verdict.kind, verdict.vendor) == (kind, vendor)


def test_big_script_heavy_shell_is_detected_past_the_sample():
    script = "var state = " + '"x",' * 100_000 + "0;"
    html = f"<html><head><script>{script}</script></head><body><div id='root'></div></body></html>"
    assert len(html) > 131_072
    assert classify_response(200, HTML, html).kind == "js_shell"


def test_big_page_with_many_words_is_ok():
    html = page("<p>" + "plain words of a long article " * 30_000 + "</p>", title="Access denied")
    assert classify_response(200, HTML, html).kind == "ok"


def test_big_page_with_a_sample_of_markup_only_is_still_parsed():
    filler = "<div></div>" * 20_000
    html = page(f"{filler}<p>Request blocked.</p>")
    assert len(html) > 131_072
    assert classify_response(200, HTML, html).kind == "block"
