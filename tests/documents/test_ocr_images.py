"""Image sniffing and the normalisation done before Tesseract (no Tesseract needed)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from scrapegate.convert import ocr_images
from scrapegate.convert.ocr_images import prepare_image, sniff_image_type
from scrapegate.errors import UnsupportedContentType
from tests.documents.image_factory import encode_image, render_text_image


@pytest.mark.parametrize(
    ("image_format", "media_type"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("WEBP", "image/webp"),
        ("GIF", "image/gif"),
        ("TIFF", "image/tiff"),
    ],
)
def test_sniff_by_magic_bytes(image_format: str, media_type: str) -> None:
    data = encode_image(render_text_image(["x"], width=50), image_format)
    assert sniff_image_type(data) == media_type


@pytest.mark.parametrize(
    "data", [b"", b"%PDF-1.7", b"<svg/>", b"BM\x00\x00", b"RIFF\x00\x00\x00\x00WAVE"]
)
def test_sniff_rejects_other_bytes(data: bytes) -> None:
    assert sniff_image_type(data) is None


def _decoded(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def test_small_images_are_upscaled_and_scale_is_reported() -> None:
    small = render_text_image(["tiny"], width=200, font_size=12, margin=4)
    prepared = prepare_image(encode_image(small, "PNG"))
    image = _decoded(prepared.png)
    assert (prepared.width, prepared.height) == small.size
    assert image.width > small.width
    assert image.mode == "L"
    assert prepared.scale_x == pytest.approx(image.width / small.width)


def test_huge_images_are_scaled_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_images, "MAX_OCR_PIXELS", 100_000)
    big = Image.new("L", (1000, 800), color=255)
    prepared = prepare_image(encode_image(big, "PNG"))
    image = _decoded(prepared.png)
    assert image.width * image.height <= 100_000 * 1.01
    assert prepared.scale_x < 1.0


def test_images_over_the_decode_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_images, "MAX_DECODE_PIXELS", 10_000)
    data = encode_image(Image.new("L", (200, 200), color=255), "PNG")
    with pytest.raises(UnsupportedContentType) as caught:
        prepare_image(data)
    assert caught.value.details == {"content_type": "image/png", "reason": "image_too_large"}


def test_exif_rotation_is_applied() -> None:
    landscape = Image.new("RGB", (300, 100), color=(255, 255, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    out = io.BytesIO()
    landscape.save(out, format="JPEG", exif=exif.tobytes())
    prepared = prepare_image(out.getvalue())
    assert (prepared.width, prepared.height) == (100, 300)


def test_sixteen_bit_tiff_keeps_contrast() -> None:
    deep = Image.new("I;16", (400, 100), color=0)
    deep.paste(4000, (0, 0, 200, 100))
    out = io.BytesIO()
    deep.save(out, format="TIFF")
    image = _decoded(prepare_image(out.getvalue()).png)
    assert image.getextrema() == (0, 255)
