"""OCR with Tesseract on images rendered at test time (PNG, JPEG, WebP, GIF, TIFF)."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image

from scrapegate.convert import ocr as ocr_module
from scrapegate.convert.ocr import (
    installed_languages,
    ocr_health,
    ocr_image,
    ocr_image_sync,
    pillow_version,
    tesseract_available,
    tesseract_version,
)
from scrapegate.errors import FeatureUnavailable, InvalidRequest, Timeout, UnsupportedContentType
from tests.documents.image_factory import encode_image, render_text_image, transparent_text_png
from tests.documents.text_match import token_recall

requires_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract binary not installed"
)

LINES = ["The quick brown fox jumps", "over the lazy dog tonight", "Invoice number 48213"]
EXPECTED = " ".join(LINES)


@pytest.fixture(scope="module")
def text_image() -> Image.Image:
    return render_text_image(LINES)


@requires_tesseract
@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF", "TIFF"])
async def test_every_accepted_format_is_recognised(
    text_image: Image.Image, image_format: str
) -> None:
    result = await ocr_image(encode_image(text_image, image_format))
    assert token_recall(EXPECTED, result.text) >= 0.8
    assert 0.5 <= result.confidence <= 1.0
    assert result.language == "eng"


@requires_tesseract
async def test_blocks_are_lines_with_boxes_inside_the_image(text_image: Image.Image) -> None:
    result = await ocr_image(encode_image(text_image, "PNG"))
    width, height = text_image.size
    assert len(result.blocks) == len(LINES)
    for block, expected in zip(result.blocks, LINES, strict=True):
        assert token_recall(expected, block.text) >= 0.8
        assert 0.0 <= block.confidence <= 1.0
        box = block.bbox
        assert set(box) == {"x", "y", "width", "height"}
        assert box["width"] > 0 and box["height"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["y"] >= 0 and box["y"] + box["height"] <= height
    tops = [block.bbox["y"] for block in result.blocks]
    assert tops == sorted(tops)


@requires_tesseract
async def test_small_images_are_upscaled_and_boxes_use_source_pixels() -> None:
    small = render_text_image(["Small print matters"], width=320, font_size=14, margin=6)
    result = await ocr_image(encode_image(small, "PNG"))
    assert token_recall("Small print matters", result.text) >= 0.8
    box = result.blocks[0].bbox
    assert box["x"] + box["width"] <= small.width and box["y"] + box["height"] <= small.height


@requires_tesseract
async def test_transparent_background_is_flattened_onto_white() -> None:
    result = await ocr_image(transparent_text_png(LINES))
    assert token_recall(EXPECTED, result.text) >= 0.8


@requires_tesseract
async def test_german_text_with_deu() -> None:
    german = ["Grüße aus München", "Die Straße ist schön"]
    image = encode_image(render_text_image(german), "PNG")
    result = await ocr_image(image, "deu")
    assert token_recall(" ".join(german), result.text) >= 0.8
    assert result.language == "deu"


@requires_tesseract
def test_sync_variant_matches(text_image: Image.Image) -> None:
    result = ocr_image_sync(encode_image(text_image, "PNG"), "eng+deu")
    assert token_recall(EXPECTED, result.text) >= 0.8
    assert result.language == "eng+deu"


@requires_tesseract
def test_as_item_is_an_ocr_results_item(text_image: Image.Image) -> None:
    result = ocr_image_sync(encode_image(text_image, "PNG"))
    item = result.as_item("https://example.com/a.png")
    assert list(item) == ["image_url", "text", "confidence", "language", "blocks"]
    assert item["image_url"] == "https://example.com/a.png"
    assert list(item["blocks"][0]) == ["text", "confidence", "bbox"]
    assert list(item["blocks"][0]["bbox"]) == ["x", "y", "width", "height"]
    assert result.as_item(None)["image_url"] is None


@requires_tesseract
def test_blank_image_gives_empty_text() -> None:
    blank = encode_image(Image.new("L", (400, 200), color=255), "PNG")
    result = ocr_image_sync(blank)
    assert result.text == "" and result.blocks == () and result.confidence == 0.0


@requires_tesseract
def test_languages_and_versions() -> None:
    assert {"eng", "deu", "fra", "spa"} <= installed_languages()
    assert tesseract_available()
    version = tesseract_version()
    assert version is not None and version[0].isdigit()
    health = ocr_health()
    assert health["available"] is True
    assert health["message"] == "OCR ready"
    assert health["tesseract_version"] == version
    assert health["languages"] == sorted(health["languages"])
    assert "eng" in health["languages"]


def test_pillow_version_is_a_version_string() -> None:
    assert pillow_version().split(".")[0].isdigit()


@requires_tesseract
@pytest.mark.parametrize("languages", ["xyz", "eng+xyz", "-l eng", ""])
async def test_unknown_language_is_rejected(languages: str, text_image: Image.Image) -> None:
    with pytest.raises(InvalidRequest) as caught:
        await ocr_image(encode_image(text_image, "PNG"), languages)
    assert caught.value.detail.startswith('ocr_language "')
    assert "is not installed. Available: " in caught.value.detail
    assert caught.value.details == {"field": "ocr_language"}


@requires_tesseract
async def test_not_an_image_is_unsupported() -> None:
    with pytest.raises(UnsupportedContentType) as caught:
        await ocr_image(b"%PDF-1.7 this is not an image")
    assert caught.value.details is not None
    assert caught.value.details["content_type"] == "application/octet-stream"


@requires_tesseract
async def test_broken_image_is_unsupported(text_image: Image.Image) -> None:
    png = encode_image(text_image, "PNG")
    with pytest.raises(UnsupportedContentType) as caught:
        await ocr_image(png[:200])
    assert caught.value.details == {"content_type": "image/png", "reason": "undecodable_image"}


@requires_tesseract
async def test_timeout_raises_and_kills_tesseract(text_image: Image.Image) -> None:
    with pytest.raises(Timeout) as caught:
        await ocr_image(encode_image(text_image, "PNG"), timeout_s=0.001)
    assert caught.value.details is not None and caught.value.details["stage"] == "ocr"
    with pytest.raises(Timeout):
        ocr_image_sync(encode_image(text_image, "PNG"), timeout_s=0.001)


async def test_missing_tesseract_is_feature_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_module, "_tesseract_path", lambda: None)
    with pytest.raises(FeatureUnavailable) as caught:
        await ocr_image(b"\x89PNG\r\n\x1a\n")
    assert caught.value.detail == "OCR is not available on this server"
    assert caught.value.details == {"feature": "ocr"}
    assert not tesseract_available()
    health = ocr_health()
    assert health == {
        "available": False,
        "tesseract_version": None,
        "pillow_version": pillow_version(),
        "languages": [],
        "message": "tesseract binary not found",
    }


def test_gif_uses_the_first_frame() -> None:
    from scrapegate.convert.ocr_images import prepare_image

    first = render_text_image(["first"], width=400)
    second = Image.new("L", first.size, color=0)
    out = io.BytesIO()
    first.save(out, format="GIF", save_all=True, append_images=[second])
    prepared = prepare_image(out.getvalue())
    decoded = Image.open(io.BytesIO(prepared.png))
    assert decoded.getextrema() == (0, 255)  # the all-black second frame would be (0, 0)
