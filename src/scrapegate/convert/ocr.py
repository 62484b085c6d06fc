"""OCR with the Tesseract command-line program (TSV output), for images and image-only PDF pages.

Tesseract runs as a subprocess (no network, no shell) fed a normalised PNG on stdin. Each line
Tesseract finds becomes one ``OcrBlock``; bounding boxes are in the source image's pixels (after
EXIF orientation). ``OMP_THREAD_LIMIT=1`` keeps concurrent OCR jobs from oversubscribing CPUs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

import PIL

from scrapegate.convert.ocr_images import PreparedImage, prepare_image, sniff_image_type
from scrapegate.convert.ocr_tsv import (
    TsvLine,
    group_lines,
    lines_text,
    mean_confidence,
    parse_words,
)
from scrapegate.domain.document_extras import BoundingBox, OcrBlockItem, OcrResultItem
from scrapegate.errors import FeatureUnavailable, InternalError, InvalidRequest, Timeout

logger = logging.getLogger(__name__)

__all__ = [
    "BoundingBox",
    "OcrBlock",
    "OcrBlockItem",
    "OcrHealth",
    "OcrResult",
    "OcrResultItem",
    "installed_languages",
    "ocr_health",
    "ocr_image",
    "ocr_image_sync",
    "page_ocr",
    "pillow_version",
    "sniff_image_type",
    "tesseract_available",
    "tesseract_version",
]

DEFAULT_TIMEOUT_S = 60.0
_LANGUAGES = re.compile(r"^[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*$")
_VERSION = re.compile(r"tesseract\s+v?(\S+)", re.IGNORECASE)
_PROBE_TIMEOUT_S = 10.0


class OcrHealth(TypedDict):
    """The body of ``GET /api/v1/health/ocr``."""

    available: bool
    tesseract_version: str | None
    pillow_version: str
    languages: list[str]
    message: str


@dataclass(frozen=True)
class OcrBlock:
    text: str
    confidence: float
    bbox: BoundingBox

    def as_item(self) -> OcrBlockItem:
        return {"text": self.text, "confidence": self.confidence, "bbox": self.bbox.copy()}


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float
    language: str
    blocks: tuple[OcrBlock, ...]

    def as_item(self, image_url: str | None) -> OcrResultItem:
        """One ``ocr_results`` item."""
        return {
            "image_url": image_url,
            "text": self.text,
            "confidence": self.confidence,
            "language": self.language,
            "blocks": [block.as_item() for block in self.blocks],
        }


def _tesseract_path() -> str | None:
    return shutil.which("tesseract")


def tesseract_available() -> bool:
    return _tesseract_path() is not None


def _probe(*args: str) -> str | None:
    """Output (stdout + stderr) of ``tesseract <args>``, None when it cannot run."""
    path = _tesseract_path()
    if path is None:
        return None
    try:
        done = subprocess.run(
            [path, *args], capture_output=True, timeout=_PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError):
        logger.warning("tesseract %s failed", " ".join(args), exc_info=True)
        return None
    return (done.stdout + done.stderr).decode("utf-8", "replace")


@functools.cache
def installed_languages() -> frozenset[str]:
    """Language codes from ``tesseract --list-langs`` (cached; empty without Tesseract)."""
    output = _probe("--list-langs")
    if output is None:
        return frozenset()
    codes = (line.strip() for line in output.splitlines()[1:])
    return frozenset(code for code in codes if code and _LANGUAGES.match(code))


@functools.cache
def tesseract_version() -> str | None:
    """E.g. ``"5.3.0"`` from ``tesseract --version``; None without Tesseract."""
    output = _probe("--version")
    match = _VERSION.search(output or "")
    return match.group(1) if match else None


def pillow_version() -> str:
    return str(PIL.__version__)


def ocr_health() -> OcrHealth:
    """The body of ``GET /api/v1/health/ocr``."""
    available = tesseract_available() and tesseract_version() is not None
    return {
        "available": available,
        "tesseract_version": tesseract_version() if available else None,
        "pillow_version": pillow_version(),
        "languages": sorted(installed_languages()) if available else [],
        "message": "OCR ready" if available else "tesseract binary not found",
    }


def _command(languages: str) -> list[str]:
    """The Tesseract command line; raises when OCR or a requested language is unavailable."""
    path = _tesseract_path()
    if path is None:
        raise FeatureUnavailable("OCR is not available on this server", "ocr")
    installed = installed_languages()
    for code in languages.split("+") if _LANGUAGES.match(languages) else [languages]:
        if code not in installed:
            available = ", ".join(sorted(installed))
            raise InvalidRequest(
                f'ocr_language "{code}" is not installed. Available: {available}',
                field="ocr_language",
            )
    return [path, "stdin", "stdout", "-l", languages, "tsv"]


def _environment() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _block(line: TsvLine, image: PreparedImage) -> OcrBlock:
    left = min(word.left for word in line.words)
    top = min(word.top for word in line.words)
    right = max(word.left + word.width for word in line.words)
    bottom = max(word.top + word.height for word in line.words)
    x0 = min(max(round(left / image.scale_x), 0), image.width)
    y0 = min(max(round(top / image.scale_y), 0), image.height)
    x1 = min(max(round(right / image.scale_x), x0), image.width)
    y1 = min(max(round(bottom / image.scale_y), y0), image.height)
    bbox: BoundingBox = {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
    return OcrBlock(text=line.text, confidence=mean_confidence(line.words), bbox=bbox)


def _result(tsv: str, image: PreparedImage, languages: str) -> OcrResult:
    words = parse_words(tsv)
    lines = group_lines(words)
    return OcrResult(
        text=lines_text(lines),
        confidence=mean_confidence(words),
        language=languages,
        blocks=tuple(_block(line, image) for line in lines),
    )


def _check_exit(returncode: int | None, stderr: bytes) -> None:
    if returncode != 0:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise InternalError(f"Tesseract failed (exit {returncode}): {' '.join(tail)}")


def _timed_out(timeout_s: float) -> Timeout:
    return Timeout(
        f"OCR did not finish within {timeout_s:g} seconds",
        {"cause": "deadline", "stage": "ocr", "timeout_s": timeout_s},
    )


async def _run_async(command: list[str], png: bytes, timeout_s: float) -> str:
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(),
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(png), timeout_s)
    except TimeoutError:
        raise _timed_out(timeout_s) from None
    finally:
        # Also reached on cancellation: never leave a Tesseract process behind.
        if process.returncode is None:
            process.kill()
            await process.wait()
    _check_exit(process.returncode, stderr)
    return stdout.decode("utf-8", "replace")


async def ocr_image(
    data: bytes, languages: str = "eng", *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> OcrResult:
    """OCR of a PNG, JPEG, WebP, GIF (first frame) or TIFF image.

    Raises ``UnsupportedContentType`` (not an image / undecodable / too large),
    ``FeatureUnavailable`` (no Tesseract), ``InvalidRequest`` (language not installed),
    ``Timeout`` and ``InternalError`` (Tesseract failed).
    """
    command = _command(languages)
    image = await asyncio.to_thread(prepare_image, data)
    tsv = await _run_async(command, image.png, timeout_s)
    return await asyncio.to_thread(_result, tsv, image, languages)


def ocr_image_sync(
    data: bytes, languages: str = "eng", *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> OcrResult:
    """Blocking ``ocr_image`` for worker threads (e.g. PDF page OCR inside ``read_pdf``)."""
    command = _command(languages)
    image = prepare_image(data)
    try:
        done = subprocess.run(
            command, input=image.png, capture_output=True, timeout=timeout_s,
            env=_environment(), check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise _timed_out(timeout_s) from None
    _check_exit(done.returncode, done.stderr)
    return _result(done.stdout.decode("utf-8", "replace"), image, languages)


def page_ocr(
    languages: str = "eng", *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> Callable[[bytes], str]:
    """The ``ocr`` callable ``read_pdf`` takes: PNG bytes of a page → recognised text."""

    def recognise(png: bytes) -> str:
        return ocr_image_sync(png, languages, timeout_s=timeout_s).text

    return recognise
