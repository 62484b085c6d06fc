"""GET /api/v1/artifacts/{artifact_id}: signed URL, or the owning organization's credentials."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from scrapegate.api.auth import authenticate, credential_from
from scrapegate.api.deps import ArtifactLinksDep
from scrapegate.domain.records import utcnow
from scrapegate.errors import NotFound
from scrapegate.platform.artifacts import ArtifactLinks

router = APIRouter(prefix="/api/v1", tags=["artifacts"])


@router.get("/artifacts/{artifact_id}", summary="Download a screenshot, PDF or snapshot")
async def get_artifact(artifact_id: str, request: Request, links: ArtifactLinksDep) -> Response:
    now = utcnow()
    found = await links.store.get(artifact_id, now)
    if found is None:
        raise NotFound("Artifact not found or expired")
    meta, data = found
    if not _signed(request, artifact_id, links, now):
        if credential_from(request) is None:
            raise NotFound("Artifact not found or expired")
        who = await authenticate(request)
        if who.org_id != meta.org_id:
            raise NotFound("Artifact not found or expired")
    remaining = max(int((meta.expires_at - now).total_seconds()), 0)
    return Response(
        data,
        media_type=meta.content_type,
        headers={"Cache-Control": f"private, max-age={remaining}"},
    )


def _signed(request: Request, artifact_id: str, links: ArtifactLinks, now: datetime) -> bool:
    exp, sig = request.query_params.get("exp"), request.query_params.get("sig")
    if not exp or not sig or not exp.isdigit():
        return False
    return links.signature_valid(artifact_id, int(exp), sig, now)
