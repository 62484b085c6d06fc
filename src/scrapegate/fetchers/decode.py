"""Bytes to text for HTML, in WHATWG order: BOM, HTTP charset, meta prescan, detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

PRESCAN_BYTES = 4096
DETECTION_BYTES = 65_536

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)

# WHATWG label aliases whose Python codec differs from the label (the rest go through codecs).
_LABEL_ALIASES: dict[str, str] = {
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "iso-8859-1": "windows-1252",
    "iso8859-1": "windows-1252",
    "iso_8859-1": "windows-1252",
    "l1": "windows-1252",
    "ascii": "windows-1252",
    "us-ascii": "windows-1252",
    "cp1252": "windows-1252",
    "x-cp1252": "windows-1252",
    "sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "x-sjis": "shift_jis",
    "ms_kanji": "shift_jis",
    "windows-31j": "shift_jis",
    "cp932": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "tis-620": "windows-874",
    "iso-8859-9": "windows-1254",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}

# The Python codec behind each canonical name, where the two are not the same decoder.
_CODEC_FOR: dict[str, str] = {
    "shift_jis": "cp932",  # WHATWG Shift_JIS is Microsoft's superset
    "windows-874": "cp874",
}

_PYTHON_TO_CANONICAL: dict[str, str] = {
    **{f"cp125{i}": f"windows-125{i}" for i in range(9)},
    "cp932": "shift_jis",
    "shift_jis": "shift_jis",
    "euc_jp": "euc-jp",
    "euc_kr": "euc-kr",
    "koi8-r": "koi8-r",
    "koi8-u": "koi8-u",
    "big5": "big5",
    "gb18030": "gb18030",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf-8": "utf-8",
    "ascii": "windows-1252",
    "latin-1": "windows-1252",
    "iso8859-1": "windows-1252",
}

_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)


def canonical_encoding(label: str | None) -> str | None:
    """The canonical name for a charset label, or None when Python has no decoder for it."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _LABEL_ALIASES.get(name, name)
    if name in _CODEC_FOR:
        return name
    try:
        python_name = codecs.lookup(name).name
    except LookupError:
        return None
    if python_name in _PYTHON_TO_CANONICAL:
        return _PYTHON_TO_CANONICAL[python_name]
    if python_name.startswith("iso8859-"):
        return "iso-8859-" + python_name.removeprefix("iso8859-")
    return python_name


def _codec(encoding: str) -> str:
    return _CODEC_FOR.get(encoding, encoding)


def _bom_encoding(body: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    return None


def _prescan_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:PRESCAN_BYTES])
    if match is None:
        return None
    encoding = canonical_encoding(match.group(1).decode("ascii", "replace"))
    # A meta tag cannot truthfully declare UTF-16: the prescan itself read it as ASCII.
    if encoding is not None and encoding.startswith("utf-16"):
        return "utf-8"
    return encoding


def _detect(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte sequence cut at the end of a truncated body is still UTF-8.
        if exc.start >= len(body) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    else:
        return "utf-8"
    best = from_bytes(body[:DETECTION_BYTES]).best()
    if best is None:
        return "utf-8"
    return canonical_encoding(best.encoding) or "utf-8"


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """Decode an HTML (or other text) body; returns (text, canonical encoding used)."""
    bom = _bom_encoding(body)
    if bom is not None:
        name, skip = bom
        return body[skip:].decode(name, errors="replace"), name
    encoding = canonical_encoding(header_charset) or _prescan_meta(body) or _detect(body)
    try:
        return body.decode(_codec(encoding), errors="replace"), encoding
    except LookupError:
        return body.decode("utf-8", errors="replace"), "utf-8"
