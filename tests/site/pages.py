"""Static content of the fixture website, and the texts tests expect to find in it."""

from __future__ import annotations

ARTICLE_TITLE = "How Scrapegate Reads the Web"
ARTICLE_SENTENCE = "The quick brown fox of scrapegate jumps over the lazy crawler."
NAV_TEXT = "Fixture Blog navigation"
FOOTER_TEXT = "Copyright Fixture Blog, all rights reserved."
COOKIE_BANNER_TEXT = "We use cookies to improve your experience."
SIDEBAR_TEXT = "Popular posts this week"

SHIFT_JIS_TEXT = "日本語のページです。スクレイプゲートは文字コードを正しく扱います。"
GB18030_TEXT = "这是一个中文页面。抓取网关能够正确处理字符编码。"
CYRILLIC_TEXT = "Это русская страница. Скрейпгейт правильно обрабатывает кодировки."
WINDOWS_1252_TEXT = "Café crème brûlée — naïve façade, “quoted” for €5."
BOM_TEXT = "UTF-8 with a byte order mark: ünïcödé ✓"

THIN_TEXT = "Nothing much here yet. Come back soon."
PLAIN_TEXT = "This is a plain text document from the fixture site.\nSecond line.\n"
JSON_DOCUMENT = {"name": "fixture", "items": [1, 2, 3], "nested": {"ok": True}}

_PARAGRAPHS = [
    ARTICLE_SENTENCE + " Every scraping service starts with a simple promise: give it a "
    "URL and it returns the content that a human reader would see. Keeping that promise is "
    "harder than it sounds, because modern pages wrap a few paragraphs of text in layers of "
    "navigation, advertising, cookie notices and scripts.",
    "The first step is fetching the document. A plain HTTP client is cheap and fast, and it "
    "works for the large majority of sites that still render their content on the server. "
    "When a site answers with a challenge page, the engine escalates to a client whose "
    "network fingerprint looks like a real browser, and only as a last resort to a headless "
    "browser that runs the page scripts.",
    "The second step is decoding. Pages arrive in many character encodings: UTF-8 most of the "
    "time, but also Shift-JIS, GB18030 and the old Windows code pages. The byte order mark, "
    "the HTTP header and the meta tag are consulted in that order, and detection is used only "
    "when none of them says anything at all.",
    "The third step is finding the main content. Scoring text density, link density and "
    "punctuation separates the article from the boilerplate around it. Headers, footers, "
    "sidebars and cookie banners are removed, while the paragraphs, lists, tables and code "
    "samples of the article are kept in their original order.",
    "Finally the content is converted to markdown, plain text or structured JSON. Headings keep "
    "their levels, links keep their targets, and tables keep their rows and columns. The "
    "result is small enough to feed into a language model and faithful enough for a person "
    "to read without ever opening the original page in a browser.",
]

ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{ARTICLE_TITLE} - Fixture Blog</title>
<meta name="description" content="A fixture article about how scraping works.">
<meta property="og:title" content="{ARTICLE_TITLE}">
<meta property="og:type" content="article">
<link rel="canonical" href="/article">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "Article", "headline": "{ARTICLE_TITLE}",
 "author": {{"@type": "Person", "name": "Ada Fixture"}}, "datePublished": "2026-01-15"}}
</script>
<style>body {{ font-family: sans-serif; }} .sidebar {{ float: right; }}</style>
</head>
<body>
<div class="cookie-banner" id="cookie">{COOKIE_BANNER_TEXT}
  <button>Accept all</button> <button>Reject</button></div>
<header class="site-header">
  <a href="/" class="logo">Fixture Blog</a>
  <nav aria-label="{NAV_TEXT}"><ul>
    <li><a href="/">Home</a></li><li><a href="/article">Articles</a></li>
    <li><a href="/thin">About</a></li><li><a href="/json">API</a></li>
  </ul></nav>
</header>
<div class="layout">
<main>
<article>
  <h1>{ARTICLE_TITLE}</h1>
  <p class="byline">By Ada Fixture, January 15, 2026</p>
  {"".join(f"<p>{p}</p>" for p in _PARAGRAPHS[:2])}
  <h2>Decoding and cleaning</h2>
  {"".join(f"<p>{p}</p>" for p in _PARAGRAPHS[2:4])}
  <ul><li>Byte order mark first</li><li>HTTP header second</li><li>Meta tag third</li></ul>
  <h2>Output formats</h2>
  <p>{_PARAGRAPHS[4]}</p>
  <table><thead><tr><th>Tier</th><th>Engine</th></tr></thead>
  <tbody><tr><td>1</td><td>curl</td></tr><tr><td>2</td><td>http</td></tr></tbody></table>
  <pre><code>scrapegate serve --port 8080</code></pre>
</article>
</main>
<aside class="sidebar"><h3>{SIDEBAR_TEXT}</h3><ul>
  <li><a href="/thin">A short note</a></li><li><a href="/js-shell">An app page</a></li>
</ul></aside>
</div>
<footer><p>{FOOTER_TEXT}</p><a href="/robots.txt">robots</a></footer>
</body>
</html>
"""

INDEX_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fixture Blog</title></head>
<body><header><nav><a href="/">Home</a></nav></header>
<main><h1>Fixture Blog</h1>
<p>Welcome to the fixture blog. These pages exist so that tests never leave the machine.</p>
<ul>
<li><a href="/article">How Scrapegate Reads the Web</a></li>
<li><a href="/thin">A short note</a></li>
<li><a href="/json">JSON document</a></li>
<li><a href="/plain">Plain text</a></li>
<li><a href="/xml">XML feed</a></li>
<li><a href="/js-shell">Single page app</a></li>
<li><a href="/tree">Link tree</a></li>
<li><a href="/pdf">PDF document</a></li>
<li><a href="https://example.com/external">External link</a></li>
</ul></main>
<footer>Fixture footer</footer></body></html>
"""

THIN_HTML = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>A short note</title></head>
<body><main><p>{THIN_TEXT}</p></main></body></html>
"""

XML_DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fixture Blog</title>
<item><title>How Scrapegate Reads the Web</title><link>/article</link></item>
</channel></rss>
"""

JS_SHELL_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fixture App</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body>
<noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"></div>
<script>
  const root = document.getElementById("root");
  const article = document.createElement("article");
  article.innerHTML = "<h1>Rendered by script</h1><p>This text only exists after the " +
    "application script ran in a browser. " + "The quick brown fox of scrapegate renders.</p>";
  root.appendChild(article);
</script>
</body></html>
"""

ROBOTS_TXT = """User-agent: scrapegate
Disallow: /private/
Crawl-delay: 0.05

User-agent: *
Disallow: /admin/
Allow: /

Sitemap: {base}/sitemap.xml
"""

SITEMAP_PATHS = ("/", "/article", "/thin", "/tree", "/tree/a", "/tree/b")


def sitemap_xml(base: str) -> str:
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in SITEMAP_PATHS)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def sitemap_index_xml(base: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>"
    )


def simple_page(title: str, body_html: str, head_extra: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head>{head_extra}<title>{title}</title></head>'
        f"<body>{body_html}</body></html>"
    )


def tiny_pdf() -> bytes:
    """A one-page PDF with the text "Fixture PDF", offsets computed so readers accept it."""
    stream = b"BT /F1 24 Tf 72 720 Td (Fixture PDF document) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


def tiny_png() -> bytes:
    """A valid 1x1 transparent PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
