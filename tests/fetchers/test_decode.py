"""decode_html: BOM, then the HTTP charset, then the meta prescan, then detection."""

from __future__ import annotations

import codecs

import pytest

from scrapegate.fetchers.decode import PRESCAN_BYTES, canonical_encoding, decode_html
from tests.site import pages


def page(text: str, head: str = "") -> str:
    return pages.simple_page("t", f"<p>{text}</p>", head_extra=head)


@pytest.mark.parametrize(
    ("text", "python_codec", "label", "expected"),
    [
        (pages.SHIFT_JIS_TEXT, "shift_jis", "Shift_JIS", "shift_jis"),
        (pages.SHIFT_JIS_TEXT, "cp932", "windows-31j", "shift_jis"),
        (pages.GB18030_TEXT, "gb18030", "gb18030", "gb18030"),
        (pages.GB18030_TEXT, "gbk", "GBK", "gb18030"),
        (pages.GB18030_TEXT, "gb2312", "gb2312", "gb18030"),
        (pages.CYRILLIC_TEXT, "cp1251", "windows-1251", "windows-1251"),
        (pages.WINDOWS_1252_TEXT, "cp1252", "windows-1252", "windows-1252"),
        (pages.WINDOWS_1252_TEXT, "cp1252", "iso-8859-1", "windows-1252"),
        (pages.WINDOWS_1252_TEXT, "cp1252", "latin1", "windows-1252"),
        ("Grüße aus Köln", "utf-8", "UTF-8", "utf-8"),
        ("ПРИВЕТ мир", "koi8_r", "koi8-r", "koi8-r"),
        ("Ελληνικά", "iso8859_7", "iso-8859-7", "iso-8859-7"),
    ],
)
def test_header_charset_round_trips(text: str, python_codec: str, label: str, expected: str):
    decoded, used = decode_html(page(text).encode(python_codec), label)
    assert text in decoded
    assert used == expected


@pytest.mark.parametrize(
    ("bom", "python_codec", "expected"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_bom_wins_over_a_wrong_header(bom: bytes, python_codec: str, expected: str):
    body = bom + page(pages.BOM_TEXT).encode(python_codec)
    decoded, used = decode_html(body, "windows-1251")
    assert pages.BOM_TEXT in decoded
    assert not decoded.startswith("\ufeff")
    assert used == expected


def test_header_wins_over_meta():
    body = page(pages.CYRILLIC_TEXT, '<meta charset="shift_jis">').encode("cp1251")
    decoded, used = decode_html(body, "windows-1251")
    assert used == "windows-1251"
    assert pages.CYRILLIC_TEXT in decoded


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1251">',
        "<meta charset=windows-1251>",
        "<META CHARSET='WINDOWS-1251'>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
        '<meta content="text/html; charset=windows-1251" http-equiv="content-type">',
    ],
)
def test_meta_prescan(meta: str):
    decoded, used = decode_html(page(pages.CYRILLIC_TEXT, meta).encode("cp1251"), None)
    assert pages.CYRILLIC_TEXT in decoded
    assert used == "windows-1251"


def test_meta_after_the_prescan_window_is_ignored():
    padding = "<!-- " + "x" * PRESCAN_BYTES + " -->"
    html = page("plain ascii words only", padding + '<meta charset="shift_jis">')
    assert decode_html(html.encode("ascii"), None)[1] == "utf-8"


def test_meta_cannot_declare_utf16():
    body = page("héllo", '<meta charset="utf-16">').encode("utf-8")
    assert decode_html(body, None) == (body.decode("utf-8"), "utf-8")


def test_unknown_header_label_falls_through_to_meta():
    body = page(pages.SHIFT_JIS_TEXT, '<meta charset="shift_jis">').encode("shift_jis")
    decoded, used = decode_html(body, "x-no-such-charset")
    assert pages.SHIFT_JIS_TEXT in decoded
    assert used == "shift_jis"


def test_detection_when_nothing_is_declared():
    body = page(" ".join([pages.CYRILLIC_TEXT] * 8)).encode("cp1251")
    decoded, used = decode_html(body, None)
    assert pages.CYRILLIC_TEXT in decoded
    assert used == "windows-1251"


def test_undeclared_utf8_is_utf8():
    body = page("naïve café ✓ 日本").encode("utf-8")
    assert decode_html(body, None) == (body.decode("utf-8"), "utf-8")


def test_utf8_cut_mid_character_stays_utf8():
    body = page("日本語").encode("utf-8")
    cut = body[: body.index("本".encode()) + 1]
    decoded, used = decode_html(cut, None)
    assert used == "utf-8"
    assert "日" in decoded


def test_undecodable_bytes_are_replaced():
    decoded, used = decode_html(b"<p>ok \xff\xfe\xfd ok</p>", "utf-8")
    assert used == "utf-8"
    assert "\ufffd" in decoded and decoded.startswith("<p>ok")


def test_empty_body():
    assert decode_html(b"", None) == ("", "utf-8")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("UTF8", "utf-8"),
        ('"utf-8"', "utf-8"),
        ("ascii", "windows-1252"),
        ("sjis", "shift_jis"),
        ("cp1251", "windows-1251"),
        ("x-gbk", "gb18030"),
        ("no-such-thing", None),
        (None, None),
    ],
)
def test_canonical_encoding(label: str | None, expected: str | None):
    assert canonical_encoding(label) == expected
