"""Binary outputs of browser tiers become artifact URLs in the response."""

from __future__ import annotations

import base64
from typing import Any, Protocol

from scrapegate.fetchers.base import Artifact, FetchResponse

TOP_LEVEL_FIELDS = {"screenshot": "screenshot_url", "pdf": "pdf_url"}


class ArtifactSink(Protocol):
    async def save(self, org_id: str, artifact: Artifact) -> str:
        """Store the bytes; return the absolute, signed URL that serves them."""
        ...


async def attach_artifacts(
    response: dict[str, Any],
    fetched: FetchResponse,
    org_id: str,
    sink: ArtifactSink | None,
    inline_base64: bool,
) -> None:
    if fetched.action_results is not None:
        response["action_results"] = [dict(r) for r in fetched.action_results]
    if sink is None:
        return
    for artifact in fetched.artifacts:
        url = await sink.save(org_id, artifact)
        if artifact.action_index is None:
            field = TOP_LEVEL_FIELDS.get(artifact.kind)
            if field is not None:
                response[field] = url
                if inline_base64:
                    response[f"{artifact.kind}_base64"] = base64.b64encode(artifact.data).decode()
            continue
        _fill_action_result(response.get("action_results") or [], artifact, url)


def _fill_action_result(results: list[dict[str, Any]], artifact: Artifact, url: str) -> None:
    for result in results:
        if result.get("index") != artifact.action_index:
            continue
        if artifact.kind == "snapshot":
            result["result"] = {"html_url": url, "length": len(artifact.data)}
        else:
            result["result"] = {"url": url}
