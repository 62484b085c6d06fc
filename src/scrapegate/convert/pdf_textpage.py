"""Reads positioned glyphs from one PDFium text page (raw API) and builds layout lines.

PDFium inserts generated CR/LF characters where it detects line breaks; those split the lines here.
Callers must hold ``PDFIUM_LOCK``: PDFium is not thread-safe.
"""

from __future__ import annotations

import ctypes
import math
import threading
from dataclasses import dataclass
from typing import Any

import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from scrapegate.convert.pdf_layout import Glyph, TextLine, make_line

PDFIUM_LOCK = threading.RLock()

_LINE_BREAKS = {0x0A, 0x0D}
# PDFium reports a soft hyphen at a line end as 0x02.
_PDFIUM_HYPHEN = 0x02
_BOLD_WEIGHT = 600
_FONT_NAME_BUFFER = 256
# PDF font descriptor flag bit 1 (PDF 32000-1, 9.8.2).
_FIXED_PITCH_FLAG = 1
_BOLD_MARKERS = ("bold", "black", "heavy", "semibold")
# Monospaced families whose descriptors often omit the FixedPitch flag (cmtt: TeX typewriter).
_MONO_MARKERS = ("courier", "mono", "consol", "typewriter", "cmtt", "menlo", "code")


@dataclass(frozen=True)
class _ObjectStyle:
    size: float
    bold: bool
    mono: bool


class _ObjectStyles:
    """Size and font style per PDFium text object (one font and matrix per object), cached by
    handle: these lookups are the costly part of reading a page."""

    def __init__(self, textpage: Any) -> None:
        self._textpage = textpage
        self._styles: dict[int, _ObjectStyle] = {}

    def style(self, index: int) -> _ObjectStyle:
        handle = pdfium_c.FPDFText_GetTextObject(self._textpage, index)
        key = ctypes.cast(handle, ctypes.c_void_p).value
        if key is None:
            return self._lookup(index)
        if key not in self._styles:
            self._styles[key] = self._lookup(index)
        return self._styles[key]

    def _lookup(self, index: int) -> _ObjectStyle:
        buffer = ctypes.create_string_buffer(_FONT_NAME_BUFFER)
        flags = ctypes.c_int()
        pdfium_c.FPDFText_GetFontInfo(
            self._textpage, index, buffer, _FONT_NAME_BUFFER, ctypes.byref(flags)
        )
        name = buffer.value.decode("latin-1", "replace").lower()
        weight = pdfium_c.FPDFText_GetFontWeight(self._textpage, index)
        return _ObjectStyle(
            size=_effective_size(self._textpage, index),
            bold=weight >= _BOLD_WEIGHT or any(marker in name for marker in _BOLD_MARKERS),
            mono=bool(flags.value & _FIXED_PITCH_FLAG) or any(m in name for m in _MONO_MARKERS),
        )


def _effective_size(textpage: Any, index: int) -> float:
    """Font size times the vertical scale of the text and current transformation matrices."""
    size = float(pdfium_c.FPDFText_GetFontSize(textpage, index))
    matrix = pdfium_c.FS_MATRIX()
    if pdfium_c.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix)):
        scale = math.hypot(matrix.c, matrix.d)
        if scale > 0:
            size *= scale
    return size


def _glyph(textpage: Any, index: int, char: str, styles: _ObjectStyles) -> Glyph:
    style = styles.style(index)
    rect = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage, index, ctypes.byref(rect))
    x = ctypes.c_double()
    y = ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(textpage, index, ctypes.byref(x), ctypes.byref(y))
    return Glyph(
        char=char,
        x0=float(rect.left),
        x1=float(rect.right),
        baseline=float(y.value),
        size=style.size,
        bold=style.bold,
        mono=style.mono,
    )


def _char_at(textpage: Any, index: int) -> str | None:
    """The character (tab as space, PDFium's line-end hyphen as "-"), None for unusable codes."""
    code = pdfium_c.FPDFText_GetUnicode(textpage, index)
    if code == _PDFIUM_HYPHEN:
        return "-"
    if code in (0, 0xFFFE, 0xFFFF) or (code < 0x20 and code not in _LINE_BREAKS and code != 9):
        return None
    if 0xD800 <= code <= 0xDFFF:
        # Lone UTF-16 surrogates cannot be serialised to JSON.
        return None
    return " " if code == 9 else chr(code)


def _is_line_end_hyphen(textpage: Any, index: int) -> bool:
    # PDFium joins a hyphenated line with the next one and marks the hyphen as 0x02.
    return bool(pdfium_c.FPDFText_GetUnicode(textpage, index) == _PDFIUM_HYPHEN)


def read_lines(textpage: Any) -> list[TextLine]:
    """All lines of a PDFium text page in PDFium's (content-stream) order."""
    styles = _ObjectStyles(textpage)
    lines: list[TextLine] = []
    current: list[Glyph] = []
    for index in range(pdfium_c.FPDFText_CountChars(textpage)):
        char = _char_at(textpage, index)
        if char is None:
            continue
        if char.isspace() and ord(char) not in _LINE_BREAKS:
            current.append(Glyph(" ", 0.0, 0.0, 0.0, 0.0, False))
            continue
        if ord(char) not in _LINE_BREAKS:
            current.append(_glyph(textpage, index, char, styles))
            if not _is_line_end_hyphen(textpage, index):
                continue
        line = make_line(current)
        if line is not None:
            lines.append(line)
        current = []
    line = make_line(current)
    if line is not None:
        lines.append(line)
    return lines
