"""Renders known text into images (every format the OCR accepts) for the OCR tests."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_CANDIDATES:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    # Pillow >= 10.1 ships a scalable default font.
    return ImageFont.load_default(size=size)


def render_text_image(
    lines: list[str], *, width: int = 1200, font_size: int = 40, margin: int = 40
) -> Image.Image:
    """Black text on white, one line per entry, generous spacing."""
    line_height = int(font_size * 1.6)
    height = 2 * margin + line_height * len(lines)
    image = Image.new("L", (width, height), color=255)
    draw = ImageDraw.Draw(image)
    font = _font(font_size)
    for index, line in enumerate(lines):
        draw.text((margin, margin + index * line_height), line, fill=0, font=font)
    return image


def encode_image(image: Image.Image, image_format: str) -> bytes:
    """Encodes to PNG, JPEG, WEBP, GIF or TIFF bytes."""
    out = io.BytesIO()
    converted = image.convert("RGB") if image_format in {"JPEG", "WEBP"} else image
    options: dict[str, object] = {"quality": 95} if image_format in {"JPEG", "WEBP"} else {}
    converted.save(out, format=image_format, **options)
    return out.getvalue()


def transparent_text_png(lines: list[str]) -> bytes:
    """Black text on a fully transparent background (OCR must flatten it onto white)."""
    mask = render_text_image(lines)
    rgba = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    alpha = mask.point(lambda value: 255 - value)
    rgba.putalpha(alpha)
    return encode_image(rgba, "PNG")
