"""Pages for the site-analysis report tests, under /report-site/ (markers only, no vendor code)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tests.site.antibot import CHALLENGES
from tests.site.pages import simple_page

PRODUCT_TEXT = (
    "Our trail shoes are built for long days on rough ground. Every pair is stitched by hand, "
    "tested on mountain paths for three hundred kilometres, and shipped in recycled boxes. "
    "Choose from twelve colours and five widths; free returns within thirty days make it easy "
    "to find the fit that suits your stride, whatever the weather brings on the way up."
)

SHOP_HTML = simple_page(
    "Trail Shoes",
    '<div id="__next"><main><h1>Trail Shoes</h1>'
    f"<article><p>{PRODUCT_TEXT}</p><p>{PRODUCT_TEXT}</p></article>"
    '<nav class="pagination"><a href="/report-site/shop?page=1">1</a>'
    '<a href="/report-site/shop?page=2">2</a></nav>'
    '<form action="/report-site/login" method="post"><input name="email" type="email">'
    '<input name="password" type="password"><button>Sign in</button></form></main></div>'
    '<script id="__NEXT_DATA__" type="application/json">{"props":{"page":"/shop"}}</script>'
    '<script src="/_next/static/chunks/main-abc123.js"></script>'
    "<script>fetch('/api/products?page=2').then(r => r.json());"
    "fetch('/graphql', {method: 'POST', body: '{}'});</script>",
    head_extra='<link rel="next" href="/report-site/shop?page=2">'
    '<script async src="https://www.googletagmanager.com/gtag/js?id=G-FIXTURE1"></script>',
)


async def shop(request: Request) -> Response:
    """A Cloudflare-fronted Next.js shop page with rel=next, API calls and a login form."""
    response = HTMLResponse(
        SHOP_HTML, headers={"cf-ray": "8a1b2c3d4e5f-AMS", "server": "cloudflare"}
    )
    response.set_cookie("__cf_bm", "fixture-bot-management-cookie", path="/")
    return response


async def guarded(request: Request) -> Response:
    """Challenges self-identified bots (tier 1) like Cloudflare would; serves browsers the shop."""
    if request.headers.get("user-agent", "").startswith("scrapegate/"):
        page = CHALLENGES["cloudflare"]
        return HTMLResponse(page.html, status_code=page.status, headers=page.headers)
    return HTMLResponse(SHOP_HTML.replace('<input name="password" type="password">', ""))


async def always_challenged(request: Request) -> Response:
    """A DataDome-style wall on every tier; no third-party resources, so browsers stay local."""
    body = simple_page("Blocked", "<p>Please verify you are a person to continue.</p>")
    return HTMLResponse(body, status_code=403, headers={"x-datadome": "protected"})


REPORT_ROUTES = [
    Route("/report-site/shop", shop),
    Route("/report-site/guarded", guarded),
    Route("/report-site/walled", always_challenged),
]
