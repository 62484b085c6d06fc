"""The knowledge base of the support module and its admin
routes (extended). Every route answers 404 while ``modules.support`` is off."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from scrapegate.api.auth import client_ip
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import KbDep, admin_access
from scrapegate.api.kb_models import (
    AdminArticleBody,
    ArticleBody,
    ArticleChangeRequestBody,
    ArticlePageBody,
    ArticleRequestBody,
    SearchResultsBody,
    VoteRecordedBody,
    VoteRequestBody,
)
from scrapegate.api.modules import module_switch
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.domain.principal import Principal
from scrapegate.platform.kb import ArticlePage, ArticleView, SearchResults, VoteRecorded
from scrapegate.platform.notifications import page_bounds

VOTES_PER_MINUTE = 10


support_module_on = module_switch("support")


router = APIRouter(prefix="/api/v1", tags=["support"], dependencies=[Depends(support_module_on)])
voting = per_ip_public_access("kb-helpful", VOTES_PER_MINUTE)


@router.get(
    "/support/kb/search",
    summary="Search the knowledge base",
    response_model=SearchResultsBody,
    dependencies=[Depends(per_ip_public_access("kb"))],
)
async def search_articles(
    kb: KbDep, q: str | None = None, limit: int | None = None
) -> SearchResults:
    return await kb.search(q, limit)


@router.get(
    "/support/kb/{slug}",
    summary="A published knowledge-base article",
    response_model=ArticleBody,
    dependencies=[Depends(per_ip_public_access("kb"))],
)
async def read_article(slug: str, kb: KbDep) -> ArticleView:
    return await kb.article(slug)


@router.post(
    "/support/kb/{slug}/helpful",
    summary="Vote on whether an article helped",
    response_model=VoteRecordedBody,
    openapi_extra={"requestBody": json_body(VoteRequestBody)},
)
async def vote_on_article(
    request: Request, slug: str, kb: KbDep, who: Principal | None = Depends(voting)
) -> VoteRecorded:
    body = await read_json(request)
    agent = request.headers.get("user-agent", "")
    voter = (who.user_id if who else None, client_ip(request), agent)
    return await kb.vote(slug, body, voter)


@router.get(
    "/admin/kb/articles",
    summary="Every knowledge-base article",
    response_model=ArticlePageBody,
    dependencies=[Depends(admin_access)],
)
async def list_articles(
    kb: KbDep, limit: int | None = None, offset: int | None = None
) -> ArticlePage:
    size, start = page_bounds(limit, offset)
    return await kb.admin_list(size, start)


@router.post(
    "/admin/kb/articles",
    summary="Write a knowledge-base article",
    status_code=201,
    response_model=AdminArticleBody,
    dependencies=[Depends(admin_access)],
    openapi_extra={"requestBody": json_body(ArticleRequestBody)},
)
async def create_article(request: Request, kb: KbDep) -> ArticleView:
    return await kb.create(await read_json(request))


@router.patch(
    "/admin/kb/articles/{article_id}",
    summary="Change a knowledge-base article",
    response_model=AdminArticleBody,
    dependencies=[Depends(admin_access)],
    openapi_extra={"requestBody": json_body(ArticleChangeRequestBody)},
)
async def update_article(request: Request, article_id: str, kb: KbDep) -> ArticleView:
    return await kb.update(article_id, await read_json(request))


@router.delete(
    "/admin/kb/articles/{article_id}",
    summary="Delete a knowledge-base article and its votes",
    status_code=204,
    dependencies=[Depends(admin_access)],
)
async def delete_article(article_id: str, kb: KbDep) -> Response:
    await kb.delete(article_id)
    return Response(status_code=204)
