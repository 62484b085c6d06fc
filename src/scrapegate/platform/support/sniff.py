"""What an upload really is, from its bytes: the name never decides."""

from __future__ import annotations

import codecs
import json
from pathlib import PurePosixPath

from scrapegate.errors import UnsupportedContentType

HEAD_BYTES = 16
TEXT_TYPES = ("text/plain; charset=utf-8", "text/csv; charset=utf-8", "application/json")
# Names that promise a type: a mismatch with the bytes is refused (a text file called .png).
_EXTENSION_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".txt": "text/plain; charset=utf-8",
    ".log": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}


def binary_type(head: bytes) -> str | None:
    """The allowed binary format the first bytes announce, if any."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "application/zip"
    return None


class UploadSniffer:
    """Fed the upload chunk by chunk; tells its type at the end without keeping the bytes."""

    def __init__(self) -> None:
        self._head = b""
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._is_text = True

    def feed(self, chunk: bytes) -> None:
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
        if not self._is_text:
            return
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError:
            self._is_text = False
            return
        if b"\x00" in chunk:
            self._is_text = False

    def _text_complete(self) -> bool:
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return self._is_text

    def content_type(self, filename: str, content: bytes | None) -> str:
        """The sniffed type; ``content`` (the whole text) is needed only to check JSON."""
        declared = _EXTENSION_TYPES.get(PurePosixPath(filename.lower()).suffix)
        sniffed = binary_type(self._head)
        if sniffed is None and self._text_complete():
            sniffed = self._text_type(declared, content)
        if sniffed is None or (declared is not None and declared != sniffed):
            raise UnsupportedContentType(
                "Allowed files: PNG, JPEG, GIF, WebP, PDF, ZIP, and UTF-8 TXT, LOG, CSV, JSON; "
                "the content must match the file name.",
                {"filename": filename},
            )
        return sniffed

    @property
    def looks_like_text(self) -> bool:
        return self._is_text and binary_type(self._head) is None

    @staticmethod
    def _text_type(declared: str | None, content: bytes | None) -> str | None:
        if declared == "application/json":
            return "application/json" if content is not None and _parses(content) else None
        if declared in TEXT_TYPES:
            return declared
        return "text/plain; charset=utf-8"


def _parses(content: bytes) -> bool:
    try:
        json.loads(content.decode("utf-8"))
    except ValueError:
        return False
    return True
