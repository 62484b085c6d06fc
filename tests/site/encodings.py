"""Fixture pages in many character sets and content encodings, with the texts they hold."""

from __future__ import annotations

import gzip
import zlib

import brotli
import zstandard
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.site import pages

ARTICLE_BYTES = pages.ARTICLE_HTML.encode("utf-8")
HTML_UTF8 = "text/html; charset=utf-8"


def _charset_page(text: str, head: str = "") -> str:
    return pages.simple_page("Charset test", f"<p>{text}</p>", head_extra=head)


# name -> (body bytes, Content-Type header)
CHARSET_VARIANTS: dict[str, tuple[bytes, str]] = {
    "shift_jis": (
        _charset_page(pages.SHIFT_JIS_TEXT).encode("shift_jis"),
        "text/html; charset=Shift_JIS",
    ),
    "gb18030": (_charset_page(pages.GB18030_TEXT).encode("gb18030"), "text/html; charset=GBK"),
    "windows-1251": (
        _charset_page(pages.CYRILLIC_TEXT).encode("cp1251"),
        "text/html; charset=windows-1251",
    ),
    "windows-1252": (
        _charset_page(pages.WINDOWS_1252_TEXT).encode("cp1252"),
        "text/html; charset=ISO-8859-1",
    ),
    "meta-only": (
        _charset_page(pages.CYRILLIC_TEXT, '<meta charset="windows-1251">').encode("cp1251"),
        "text/html",
    ),
    "http-equiv": (
        _charset_page(
            pages.SHIFT_JIS_TEXT,
            '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
        ).encode("shift_jis"),
        "text/html",
    ),
    "bom": (
        b"\xef\xbb\xbf"
        + _charset_page(pages.BOM_TEXT, '<meta charset="windows-1252">').encode("utf-8"),
        "text/html",
    ),
    "wrong-header": (
        b"\xef\xbb\xbf" + _charset_page(pages.BOM_TEXT).encode("utf-8"),
        "text/html; charset=windows-1251",
    ),
    "header-over-meta": (
        _charset_page(pages.CYRILLIC_TEXT, '<meta charset="shift_jis">').encode("cp1251"),
        "text/html; charset=windows-1251",
    ),
    "detect": (
        _charset_page(" ".join([pages.CYRILLIC_TEXT] * 8)).encode("cp1251"),
        "text/html",
    ),
}


async def charset(request: Request) -> Response:
    name = request.path_params["name"]
    try:
        body, content_type = CHARSET_VARIANTS[name]
    except KeyError:
        return PlainTextResponse("unknown charset variant", status_code=404)
    return Response(body, headers={"content-type": content_type})


def _compressed(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "br":
        return bytes(brotli.compress(body))
    if encoding == "zstd":
        return bytes(zstandard.ZstdCompressor().compress(body))
    return zlib.compress(body)  # "deflate" is the zlib format


async def compressed_article(request: Request) -> Response:
    encoding = request.url.path.strip("/")
    body = _compressed(ARTICLE_BYTES, encoding)
    return Response(body, headers={"content-type": HTML_UTF8, "content-encoding": encoding})


ENCODING_ROUTES = [
    Route("/charset/{name}", charset),
    Route("/gzip", compressed_article),
    Route("/deflate", compressed_article),
    Route("/br", compressed_article),
    Route("/zstd", compressed_article),
]
