"""Image sniffing and normalisation for OCR: any accepted format → grayscale PNG for Tesseract.

Transparent images are flattened onto white (black text on a transparent background would
otherwise read as black on black); small images are upscaled so glyphs are tall enough for
Tesseract; huge ones are refused or scaled down to bound memory.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from scrapegate.errors import UnsupportedContentType

# Images above this many pixels are refused before decoding.
MAX_DECODE_PIXELS = 80_000_000
# Images are scaled down to at most this many pixels before OCR.
MAX_OCR_PIXELS = 24_000_000
# Images whose longer side is shorter than this are upscaled (at most MAX_UPSCALE times).
MIN_LONG_SIDE_PX = 1600
MAX_UPSCALE = 4.0
# Tesseract assumes 70 dpi without this, which hurts small-text recognition.
OCR_DPI = 300

_PIL_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "TIFF")
_HIGH_DEPTH_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}


@dataclass(frozen=True)
class PreparedImage:
    """PNG bytes for Tesseract, and how to map their coordinates back to the source image."""

    png: bytes
    width: int
    height: int
    scale_x: float
    scale_y: float


def sniff_image_type(data: bytes) -> str | None:
    """The image media type from magic bytes, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):  # TIFF, BigTIFF
        return "image/tiff"
    return None


def _unsupported(detail: str, content_type: str, reason: str) -> UnsupportedContentType:
    return UnsupportedContentType(detail, {"content_type": content_type, "reason": reason})


def _open(data: bytes, content_type: str) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded first frame and the stored size (a JPEG may be decoded smaller)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_PIL_FORMATS)
            width, height = image.size
            if width * height > MAX_DECODE_PIXELS:
                raise _unsupported(
                    f"The image is too large for OCR ({width}x{height} pixels).",
                    content_type,
                    "image_too_large",
                )
            image.seek(0)
            if image.format == "JPEG" and width * height > MAX_OCR_PIXELS:
                # Decode JPEGs at a reduced scale instead of full size (saves memory and time).
                image.draft("L", (width // 2, height // 2))
            image.load()
            return image, (width, height)
    except UnsupportedContentType:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
        raise _unsupported(
            f"The image could not be decoded: {exc}", content_type, "undecodable_image"
        ) from exc


def _value_range(image: Image.Image) -> tuple[float, float]:
    """(min, max) pixel value of a single-band image."""
    first, second = image.getextrema()
    if isinstance(first, tuple) or isinstance(second, tuple):
        return 0.0, 255.0
    return float(first), float(second)


def _to_grayscale(image: Image.Image) -> Image.Image:
    if image.mode in _HIGH_DEPTH_MODES:
        floating = image.convert("F")
        low, high = _value_range(floating)
        span = high - low or 1.0
        return floating.point(lambda value: (value - low) * 255.0 / span).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    return image.convert("L")


def _ocr_scale(width: int, height: int) -> float:
    scale = 1.0
    longer = max(width, height)
    if longer < MIN_LONG_SIDE_PX:
        scale = min(MAX_UPSCALE, MIN_LONG_SIDE_PX / longer)
    if width * height * scale * scale > MAX_OCR_PIXELS:
        scale = math.sqrt(MAX_OCR_PIXELS / (width * height))
    return scale


def prepare_image(data: bytes) -> PreparedImage:
    """A grayscale PNG of the first frame, upright (EXIF orientation applied), resized for OCR.

    Raises ``UnsupportedContentType`` with ``details.content_type`` for unknown or broken images.
    """
    content_type = sniff_image_type(data)
    if content_type is None:
        raise _unsupported(
            "The body is not a supported image (PNG, JPEG, WebP, GIF or TIFF).",
            "application/octet-stream",
            "unsupported_image",
        )
    decoded, (full_width, full_height) = _open(data, content_type)
    upright = ImageOps.exif_transpose(decoded) or decoded
    if upright.size != decoded.size:
        # Orientations 5-8 swap width and height.
        full_width, full_height = full_height, full_width
    gray = _to_grayscale(upright)
    scale = _ocr_scale(full_width, full_height)
    target = (max(1, round(full_width * scale)), max(1, round(full_height * scale)))
    if target != gray.size:
        gray = gray.resize(target, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    gray.save(buffer, format="PNG", compress_level=1, dpi=(OCR_DPI, OCR_DPI))
    return PreparedImage(
        png=buffer.getvalue(),
        width=full_width,
        height=full_height,
        scale_x=gray.width / full_width,
        scale_y=gray.height / full_height,
    )
