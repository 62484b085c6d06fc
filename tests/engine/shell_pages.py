"""Small synthetic pages reproducing the static pages once taken for JS shells or thin content,
each next to the real JavaScript shell it must still be told apart from."""

from __future__ import annotations

HEADLINE = "Council approves the new river crossing plan"  # 7 words


def page(body: str, head: str = "", title: str = "Page") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"{head}</head><body>{body}</body></html>"
    )


def links(count: int) -> str:
    return "".join(f"<li><a href='/p/{i}.html'>Page {i} of the site</a></li>" for i in range(count))


def article(words: int) -> str:
    sentence = "The council met on Tuesday to discuss the budget for next year. "  # 12 words
    return f"<article><h1>{HEADLINE}</h1><p>{sentence * (words // 12 + 1)}</p></article>"


def head_script(chars: int) -> str:
    """An inline configuration script of about ``chars`` characters, as shops put in <head>."""
    entry = '"sku-000000":{"price":10,"stock":3},'
    return f"<script>window.STORE = {{{entry * (chars // len(entry))}}};</script>"


# Thin index page (a title and a few links) with nothing a browser would run.
INDEX_NO_SCRIPTS = page(f"<h1>Bench site</h1><ul>{links(4)}</ul>", title="Index")
# The same index page with only data islands: JSON-LD and an import map run no code.
INDEX_DATA_ISLANDS = page(
    f"<h1>Bench site</h1><ul>{links(4)}</ul>",
    head='<script type=\'application/ld+json\'>{"@type": "WebSite"}</script>'
    "<script type='importmap'>{\"imports\": {}}</script>",
    title="Index",
)
# The same thin page with an application bundle: rendering might well fill it.
INDEX_WITH_BUNDLE = page(
    f"<h1>Bench site</h1><ul>{links(4)}</ul><script src='/static/app.js' defer></script>",
    title="Index",
)
INDEX_WITH_MODULE = page(
    f"<h1>Bench site</h1><ul>{links(4)}</ul><script type='module'>import('/app.js')</script>",
    title="Index",
)

# A listing of 60 link headlines (about 300 words) whose extraction may well come out thin,
# on a page that also loads scripts: the server already rendered it.
LISTING_WITH_SCRIPTS = page(
    f"<nav><a href='/'>Home</a></nav><ul>{links(60)}</ul>"
    "<script src='/static/vendor.js'></script><script>window.dataLayer = [];</script>"
)
# Server-rendered navigation around "Loading..." placeholders the scripts fill in later.
PLACEHOLDERS_WITH_SCRIPTS = page(
    f"<header><nav><ul>{links(5)}</ul></nav></header>"
    "<main><h1>Video games</h1>" + "<div class='tile'>Loading...</div>" * 8 + "</main>"
    "<footer>Terms Privacy</footer><script src='/static/app.js'></script>"
)

# A page whose <head> carries more than two million characters of script, body after it.
HUGE_HEAD_ARTICLE = page(article(300), head=head_script(2_100_000))
# The same head with a body holding only an empty mount point: a shell, found once rendered.
HUGE_HEAD_SHELL = page("<div id='root'></div>", head=head_script(2_100_000))
# Under the parse cap, a script-heavy page with an empty body stays a JS shell.
SCRIPT_HEAVY_SHELL = page("<div id='root'></div>", head=head_script(1_500_000))

# A Next.js shell: the mount holds only React's comment markers, the data sits in JSON.
NEXT_SHELL = page(
    "<div id='__next'><!--$--><!--/$--></div>"
    "<script id='__NEXT_DATA__' type='application/json'>"
    '{"props": {"pageProps": {"title": "Rug"}}}</script>'
    "<script src='/_next/static/chunks/main.js' defer></script>"
)
# A mount whose text follows a comment marker is not empty.
NEXT_WITH_TEXT = page(
    "<div id='__next'><!--$-->Hello from the server<!--/$--></div>"
    "<script src='/_next/static/chunks/main.js' defer></script>"
)
