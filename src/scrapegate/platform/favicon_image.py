"""Favicon pixels: decode a site's icon safely, fit it, draw the fallback.

Everything here is CPU-bound and synchronous; the service runs it in a worker thread.
"""

from __future__ import annotations

import base64
import binascii
import colorsys
import contextlib
import hashlib
import io
import struct
import unicodedata
from urllib.parse import unquote_to_bytes

import idna
from PIL import IcoImagePlugin, Image, ImageDraw, ImageFont

MAX_ICON_BYTES = 1_048_576
MAX_ICON_SIDE = 4_096
# The raster formats the spec lists; anything else (BMP, TIFF, PSD, ...) is not an icon here.
ICON_FORMATS = ("PNG", "ICO", "GIF", "JPEG", "WEBP")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICO_MAGIC = b"\x00\x00\x01\x00"
FALLBACK_LIGHTNESS = 0.42  # dark enough for a white letter to stay readable
FALLBACK_SATURATION = 0.55


class IconRejected(Exception):
    """The bytes are not a usable raster icon; ``reason`` says why (for logs)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def data_uri_bytes(uri: str) -> bytes | None:
    """The payload of a ``data:`` URI (base64 or percent-encoded), None when malformed."""
    header, comma, payload = uri[5:].partition(",")
    if not comma or len(payload) > MAX_ICON_BYTES * 2:
        return None
    if header.lower().endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            return None
    return unquote_to_bytes(payload)


def etag_of(png: bytes) -> str:
    return '"' + hashlib.sha256(png).hexdigest()[:32] + '"'


def fit_icon(data: bytes, size: int) -> bytes:
    """Decode ``data`` and return a ``size``×``size`` PNG: the image scaled with Lanczos to fit,
    aspect kept, centred on a transparent canvas. Raises ``IconRejected``."""
    if not data:
        raise IconRejected("empty")
    if len(data) > MAX_ICON_BYTES:
        raise IconRejected("too_many_bytes")
    picture = _decoded(data, size)
    return _png(_on_canvas(picture, size))


def _decoded(data: bytes, size: int) -> Image.Image:
    _check_ico_frames(data)
    try:
        with Image.open(io.BytesIO(data), formats=ICON_FORMATS) as image:
            if isinstance(image, IcoImagePlugin.IcoImageFile):
                frame = _ico_frame(image, size)
            else:
                _check_side(image.size)
                if image.format == "JPEG":
                    image.draft("RGB", (size, size))  # decode a large JPEG at a reduced scale
                frame = image
            frame.load()
            _check_side(frame.size)
            return frame.convert("RGBA")
    except IconRejected:
        raise
    except Exception as exc:
        # Pillow's decoders raise many exception types on malformed input; all mean "unusable".
        raise IconRejected(f"undecodable: {type(exc).__name__}") from exc


def _check_side(dimensions: tuple[int, int]) -> None:
    width, height = dimensions
    if width < 1 or height < 1 or width > MAX_ICON_SIDE or height > MAX_ICON_SIDE:
        raise IconRejected("too_many_pixels")


def _check_ico_frames(data: bytes) -> None:
    """Pillow decodes the largest ICO frame as soon as it opens the file, trusting a directory
    that may lie: every frame's real dimensions are read from its PNG/DIB header first."""
    if not data.startswith(ICO_MAGIC) or len(data) < 6:
        return
    (count,) = struct.unpack("<H", data[4:6])
    for index in range(count):
        entry = data[6 + 16 * index : 22 + 16 * index]
        if len(entry) < 16:
            raise IconRejected("truncated_directory")
        (offset,) = struct.unpack("<I", entry[12:16])
        _check_side(_embedded_dimensions(data, offset))


def _ico_frame(image: IcoImagePlugin.IcoImageFile, size: int) -> Image.Image:
    """The best frame: the smallest one covering ``size`` (drawn for small sizes), else the
    largest."""
    entries = list(enumerate(image.ico.entry))
    covering = [item for item in entries if min(item[1].dim) >= size]
    if covering:
        index, _ = min(covering, key=lambda item: (item[1].square, -item[1].color_depth))
    else:
        index, _ = max(entries, key=lambda item: (item[1].square, item[1].color_depth))
    return image.ico.frame(index)


def _embedded_dimensions(data: bytes, offset: int) -> tuple[int, int]:
    head = data[offset : offset + 24]
    if len(head) < 24:
        raise IconRejected("truncated_frame")
    if head[:8] == PNG_SIGNATURE:
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    # A BITMAPINFOHEADER: signed widths and a height that counts the XOR and AND masks together.
    width, height = struct.unpack("<ii", head[4:12])
    return abs(width), abs(height) // 2


def _on_canvas(picture: Image.Image, size: int) -> Image.Image:
    scale = size / max(picture.width, picture.height)
    width = max(1, round(picture.width * scale))
    height = max(1, round(picture.height * scale))
    resized = picture.resize((width, height), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    canvas.paste(resized, ((size - width) // 2, (size - height) // 2))
    return canvas


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def fallback_name(host: str) -> str:
    """The name the fallback is drawn from: Unicode form, no port, no leading ``www.``."""
    name = host.lower()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    with contextlib.suppress(idna.IDNAError, UnicodeError):
        name = idna.decode(name)
    return name[4:] if name.startswith("www.") and len(name) > 4 else name


def fallback_colour(host: str) -> tuple[int, int, int]:
    """A stable colour per domain: the hue comes from a hash of the name."""
    digest = hashlib.sha256(fallback_name(host).encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65_536
    red, green, blue = colorsys.hls_to_rgb(hue, FALLBACK_LIGHTNESS, FALLBACK_SATURATION)
    return round(red * 255), round(green * 255), round(blue * 255)


def fallback_letter(host: str) -> str | None:
    """The first letter or digit, upper-cased and folded to ASCII (``ü`` → ``U``); None when the
    name has none the bundled font can draw (non-Latin scripts get a plain tile)."""
    for char in fallback_name(host):
        if not char.isalnum():
            continue
        folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
        return folded[:1].upper() or None
    return None


def fallback_icon(host: str, size: int) -> bytes:
    """A rounded tile in the domain's colour with its first letter in white, as PNG."""
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle(
        (0, 0, size - 1, size - 1), radius=max(1, size // 5), fill=(*fallback_colour(host), 255)
    )
    letter = fallback_letter(host)
    if letter is not None:
        font = ImageFont.load_default(size=max(8, round(size * 0.62)))
        left, top, right, bottom = draw.textbbox((0, 0), letter, font=font)
        origin = ((size - (right - left)) / 2 - left, (size - (bottom - top)) / 2 - top)
        draw.text(origin, letter, fill=(255, 255, 255, 255), font=font)
    return _png(canvas)
