"""Binary outputs of browser tiers become artifact URLs in the scrape result."""

from __future__ import annotations

import base64
import dataclasses
from typing import Protocol

from scrapegate.domain.scrape_result import ActionArtifact, ActionResult, ScrapeResult
from scrapegate.fetchers.base import Artifact, FetchResponse


class ArtifactSink(Protocol):
    async def save(self, org_id: str, artifact: Artifact) -> str:
        """Store the bytes; return the absolute, signed URL that serves them."""
        ...


@dataclasses.dataclass
class _PageFiles:
    """The top-level files of a page (not produced by an action): their URLs and inline bytes."""

    screenshot_url: str | None = None
    screenshot_base64: str | None = None
    pdf_url: str | None = None
    pdf_base64: str | None = None

    def add(self, artifact: Artifact, url: str, inline_base64: bool) -> None:
        encoded = base64.b64encode(artifact.data).decode() if inline_base64 else None
        if artifact.kind == "screenshot":
            self.screenshot_url, self.screenshot_base64 = url, encoded
        elif artifact.kind == "pdf":
            self.pdf_url, self.pdf_base64 = url, encoded


async def with_artifacts(
    result: ScrapeResult,
    fetched: FetchResponse,
    org_id: str,
    sink: ArtifactSink | None,
    inline_base64: bool,
) -> ScrapeResult:
    """``result`` with the page's action results, and its files stored through ``sink``."""
    if fetched.action_results is None and (sink is None or not fetched.artifacts):
        return result
    files = _PageFiles()
    by_action: dict[int, ActionArtifact] = {}
    if sink is not None:
        for artifact in fetched.artifacts:
            url = await sink.save(org_id, artifact)
            if artifact.action_index is None:
                files.add(artifact, url, inline_base64)
            else:
                stored = ActionArtifact(artifact.kind, url, len(artifact.data))
                by_action[artifact.action_index] = stored
    return dataclasses.replace(
        result,
        action_results=_action_results(fetched, by_action),
        screenshot_url=files.screenshot_url,
        screenshot_base64=files.screenshot_base64,
        pdf_url=files.pdf_url,
        pdf_base64=files.pdf_base64,
    )


def _action_results(
    fetched: FetchResponse, artifacts: dict[int, ActionArtifact]
) -> tuple[ActionResult, ...] | None:
    if fetched.action_results is None:
        return None
    return tuple(
        dataclasses.replace(entry, artifact=artifacts.get(entry.index))
        for entry in fetched.action_results
    )
