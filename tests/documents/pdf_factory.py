"""Builds small PDFs from raw PDF syntax (standard Helvetica fonts) for the PDF tests."""

from __future__ import annotations

import hashlib
import io
import struct
from dataclasses import dataclass

from tests.documents.image_factory import render_text_image

PAGE_WIDTH = 612
PAGE_HEIGHT = 792


@dataclass(frozen=True)
class TextRun:
    """One line of text at (x, y) in PDF points, y measured from the bottom of the page."""

    x: float
    y: float
    size: float
    text: str
    bold: bool = False
    mono: bool = False


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content_stream(runs: list[TextRun]) -> bytes:
    parts = []
    for run in runs:
        font = b"/F3" if run.mono else b"/F2" if run.bold else b"/F1"
        parts.append(
            b"BT %s %.2f Tf %.2f %.2f Td %s Tj ET"
            % (font, run.size, run.x, run.y, _pdf_string(run.text))
        )
    return b"\n".join(parts)


def _stream_object(body: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body)


def _info_object(info: dict[str, str]) -> bytes:
    entries = b" ".join(
        b"/%s %s" % (key.encode(), _pdf_string(value)) for key, value in info.items()
    )
    return b"<< " + entries + b" >>"


def _serialise(objects: list[bytes], trailer_extra: bytes) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer_extra))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


_PASSWORD_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")
_FILE_ID = b"\x01" * 16
_PERMISSIONS = -44


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _owner_only_keys() -> tuple[bytes, bytes]:
    """/O and /U (revision 2, 40-bit RC4) for owner password "owner" and an empty user password."""
    owner = _rc4(hashlib.md5(b"owner" + _PASSWORD_PAD[5:]).digest()[:5], _PASSWORD_PAD)
    permissions = struct.pack("<i", _PERMISSIONS)
    key = hashlib.md5(_PASSWORD_PAD + owner + permissions + _FILE_ID).digest()[:5]
    return owner, _rc4(key, _PASSWORD_PAD)


def _add_encryption(objects: list[bytes], *, user_password_required: bool) -> bytes:
    """Appends a standard-security /Encrypt dict; returns the trailer entries that point to it.

    With ``user_password_required`` the /O and /U values are random, so no password (not even
    the empty one) authenticates; otherwise the empty user password opens the file (content is
    left unencrypted, so only structure and metadata are meaningful)."""
    owner, user = (b"\xab" * 32, b"\xcd" * 32) if user_password_required else _owner_only_keys()
    objects.append(
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P %d /O <%s> /U <%s> >>"
        % (_PERMISSIONS, owner.hex().encode(), user.hex().encode())
    )
    file_id = _FILE_ID.hex().encode()
    return b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (len(objects), file_id, file_id)


def _shared_objects(kids: bytes, page_count: int) -> list[bytes]:
    """Objects 1-6: catalog, page tree, the three standard fonts and a tiny image."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, page_count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
        # A 1x1 grey picture; stretched over a page (with_image) it stands in for a scan.
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream",
    ]


def build_text_pdf(
    pages: list[list[TextRun]],
    *,
    info: dict[str, str] | None = None,
    encrypted: bool = False,
    raw_prefix: bytes = b"",
    owner_password_only: bool = False,
    with_image: bool = False,
) -> bytes:
    """A PDF with one content stream per page; ``encrypted`` adds a user-password /Encrypt dict;
    ``raw_prefix`` is content-stream syntax put before the first page's runs; ``with_image``
    draws a page-sized picture under every page's text."""
    first_page = 7
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages)))
    objects = _shared_objects(kids, len(pages))
    for index, runs in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> "
            b"/XObject << /Im1 6 0 R >> >> >>"
            % (PAGE_WIDTH, PAGE_HEIGHT, first_page + 2 * index + 1)
        )
        prefix = raw_prefix + b"\n" if index == 0 and raw_prefix else b""
        if with_image:
            prefix += b"q 500 0 0 700 50 50 cm /Im1 Do Q\n"
        objects.append(_stream_object(prefix + _content_stream(runs)))
    trailer_extra = b""
    if info:
        objects.append(_info_object(info))
        trailer_extra += b"/Info %d 0 R " % len(objects)
    if encrypted or owner_password_only:
        trailer_extra += _add_encryption(objects, user_password_required=encrypted)
    return _serialise(objects, trailer_extra)


def build_image_pdf(page_texts: list[list[str]]) -> bytes:
    """An image-only PDF (no text layer): each page is a picture of the given lines."""
    images = [
        render_text_image(lines, width=1700, font_size=48).convert("RGB") for lines in page_texts
    ]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=200.0)
    return out.getvalue()
