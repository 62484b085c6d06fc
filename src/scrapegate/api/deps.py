"""What a route takes from the composition root, one typed dependency per service.

A route declares what it uses (``who: WritePrincipal, scrapes: ScrapeServiceDep``) instead of
reaching into ``Services``. Every dependency is ``async def``: FastAPI runs a plain ``def`` one in
a thread pool, a thread hop per request. FastAPI caches each per request by callable, so the
principal dependencies below are single objects shared by routers and routes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from scrapegate.accounts.keys import KeyService
from scrapegate.accounts.llm_keys import LlmKeyService
from scrapegate.accounts.ratelimit import FailedAuthLimiter, RateLimiter
from scrapegate.accounts.socket_slots import SocketSlots
from scrapegate.api.auth import require
from scrapegate.api.services import Services, services_of
from scrapegate.api.support_models import AttachmentLinks
from scrapegate.config import Settings
from scrapegate.domain.principal import Principal
from scrapegate.domain.scrape_request import ValidationContext
from scrapegate.engine.engine import ScrapeEngine
from scrapegate.engine.estimate import CostEstimator
from scrapegate.jobs.batch_service import BatchService
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.crawl_service import CrawlService
from scrapegate.jobs.extract_service import ExtractService
from scrapegate.jobs.job_events import JobEventBus
from scrapegate.jobs.map_service import MapService
from scrapegate.jobs.scrape_service import ScrapeService
from scrapegate.jobs.search_service import SearchService
from scrapegate.platform.announcements import AnnouncementService
from scrapegate.platform.artifacts import ArtifactLinks
from scrapegate.platform.beacons import BeaconService
from scrapegate.platform.blog.service import BlogService
from scrapegate.platform.favicon import FaviconService
from scrapegate.platform.feedback import FeedbackService
from scrapegate.platform.kb import KbService
from scrapegate.platform.notifications import NotificationService
from scrapegate.platform.oauth import OAuthService
from scrapegate.platform.support.service import SupportService
from scrapegate.platform.support_preferences import SupportPreferenceService
from scrapegate.platform.unsubscribe import UnsubscribeService
from scrapegate.storage.protocols import JobRepository, Storage

read_access = require("read")
write_access = require("write")
admin_access = require("admin")
poll_access = require("read", polling=True)  # job polling: its own, larger rate bucket

ReadPrincipal = Annotated[Principal, Depends(read_access)]
WritePrincipal = Annotated[Principal, Depends(write_access)]
AdminPrincipal = Annotated[Principal, Depends(admin_access)]
PollingPrincipal = Annotated[Principal, Depends(poll_access)]


async def all_services(connection: HTTPConnection) -> Services:
    return services_of(connection)


async def settings(connection: HTTPConnection) -> Settings:
    return services_of(connection).settings


async def storage(connection: HTTPConnection) -> Storage:
    return services_of(connection).storage


async def flushed_storage(connection: HTTPConnection) -> Storage:
    """The storage once the buffered request log reached it (usage and dashboard reads)."""
    services = services_of(connection)
    await services.usage_log.flush()
    return services.storage


async def validation(connection: HTTPConnection) -> ValidationContext:
    """The server's context; an organization with an LLM key of its own may send prompts even
    without a server LLM (its routes authenticate first, which leaves the principal here)."""
    services = services_of(connection)
    context = services.validation
    who = getattr(connection.state, "principal", None)
    if context.llm_available or not isinstance(who, Principal):
        return context
    if not await services.llm_keys.has_usable(who.org_id):
        return context
    return replace(context, llm_available=True)


async def scrape_service(connection: HTTPConnection) -> ScrapeService:
    return services_of(connection).scrape


async def estimator(connection: HTTPConnection) -> CostEstimator:
    return services_of(connection).estimator


async def response_cache(connection: HTTPConnection) -> ResponseCache:
    return services_of(connection).cache


async def engine(connection: HTTPConnection) -> ScrapeEngine:
    return services_of(connection).engine


async def rate_limiter(connection: HTTPConnection) -> RateLimiter:
    return services_of(connection).rate_limiter


async def batch_service(connection: HTTPConnection) -> BatchService:
    return services_of(connection).batches


async def crawl_service(connection: HTTPConnection) -> CrawlService:
    return services_of(connection).crawls


async def map_service(connection: HTTPConnection) -> MapService:
    return services_of(connection).maps


async def search_service(connection: HTTPConnection) -> SearchService:
    return services_of(connection).search


async def artifact_links(connection: HTTPConnection) -> ArtifactLinks:
    return services_of(connection).artifacts


async def extract_service(connection: HTTPConnection) -> ExtractService:
    return services_of(connection).extracts


async def llm_keys(connection: HTTPConnection) -> LlmKeyService:
    return services_of(connection).llm_keys


# Health and the status page probe every part of the composition: they take the container.
ServicesDep = Annotated[Services, Depends(all_services)]
SettingsDep = Annotated[Settings, Depends(settings)]
StorageDep = Annotated[Storage, Depends(storage)]
FlushedStorageDep = Annotated[Storage, Depends(flushed_storage)]
ValidationDep = Annotated[ValidationContext, Depends(validation)]
ScrapeServiceDep = Annotated[ScrapeService, Depends(scrape_service)]
EstimatorDep = Annotated[CostEstimator, Depends(estimator)]
ResponseCacheDep = Annotated[ResponseCache, Depends(response_cache)]
EngineDep = Annotated[ScrapeEngine, Depends(engine)]
RateLimiterDep = Annotated[RateLimiter, Depends(rate_limiter)]
BatchServiceDep = Annotated[BatchService, Depends(batch_service)]
CrawlServiceDep = Annotated[CrawlService, Depends(crawl_service)]
MapServiceDep = Annotated[MapService, Depends(map_service)]
SearchServiceDep = Annotated[SearchService, Depends(search_service)]
ArtifactLinksDep = Annotated[ArtifactLinks, Depends(artifact_links)]
ExtractServiceDep = Annotated[ExtractService, Depends(extract_service)]
LlmKeysDep = Annotated[LlmKeyService, Depends(llm_keys)]


async def announcements(connection: HTTPConnection) -> AnnouncementService:
    return services_of(connection).announcements


async def beacons(connection: HTTPConnection) -> BeaconService:
    return services_of(connection).beacons


async def blog(connection: HTTPConnection) -> BlogService:
    return services_of(connection).blog


async def unsubscribes(connection: HTTPConnection) -> UnsubscribeService:
    return services_of(connection).unsubscribes


async def oauth(connection: HTTPConnection) -> OAuthService:
    return services_of(connection).oauth


async def feedback(connection: HTTPConnection) -> FeedbackService:
    return services_of(connection).feedback


async def kb(connection: HTTPConnection) -> KbService:
    return services_of(connection).kb


async def notifications(connection: HTTPConnection) -> NotificationService:
    return services_of(connection).notifications


async def support(connection: HTTPConnection) -> SupportService:
    return services_of(connection).support


async def support_links(connection: HTTPConnection) -> AttachmentLinks:
    """Where attachment downloads live: bodies with attachments carry their URLs."""
    return AttachmentLinks(services_of(connection).settings.public_base_url)


async def support_preferences(connection: HTTPConnection) -> SupportPreferenceService:
    return services_of(connection).support_preferences


async def favicons(connection: HTTPConnection) -> FaviconService:
    return services_of(connection).favicons


AnnouncementsDep = Annotated[AnnouncementService, Depends(announcements)]
BeaconsDep = Annotated[BeaconService, Depends(beacons)]
BlogDep = Annotated[BlogService, Depends(blog)]
UnsubscribesDep = Annotated[UnsubscribeService, Depends(unsubscribes)]
OAuthDep = Annotated[OAuthService, Depends(oauth)]
FeedbackDep = Annotated[FeedbackService, Depends(feedback)]
KbDep = Annotated[KbService, Depends(kb)]
NotificationsDep = Annotated[NotificationService, Depends(notifications)]
SupportDep = Annotated[SupportService, Depends(support)]
SupportLinksDep = Annotated[AttachmentLinks, Depends(support_links)]
SupportPreferencesDep = Annotated[SupportPreferenceService, Depends(support_preferences)]
FaviconsDep = Annotated[FaviconService, Depends(favicons)]


@dataclass(frozen=True)
class SocketServices:
    """What the job WebSocket uses: authentication, connection slots, the event bus, jobs."""

    keys: KeyService
    failed_auth: FailedAuthLimiter
    slots: SocketSlots
    events: JobEventBus
    scrapes: ScrapeService
    batches: BatchService
    jobs: JobRepository


async def socket_services(connection: HTTPConnection) -> SocketServices:
    services = services_of(connection)
    return SocketServices(
        keys=services.keys,
        failed_auth=services.failed_auth,
        slots=services.socket_slots,
        events=services.events,
        scrapes=services.scrape,
        batches=services.batches,
        jobs=services.storage.jobs,
    )


SocketServicesDep = Annotated[SocketServices, Depends(socket_services)]
