"""In-memory storage: every repository of ``storage.protocols`` on plain dicts and lists.

For tests and single-process development; data is lost when the process ends.
"""

from __future__ import annotations

from scrapegate.storage.memory.accounts import (
    MemoryApiKeyRepository,
    MemoryOrganizationRepository,
    MemoryUserRepository,
)
from scrapegate.storage.memory.analytics import MemoryRequestLogQueries
from scrapegate.storage.memory.batches import MemoryBatchRepository
from scrapegate.storage.memory.blog import MemoryBlogRepository
from scrapegate.storage.memory.cache import MemoryCacheRepository
from scrapegate.storage.memory.crawls import MemoryCrawlRepository
from scrapegate.storage.memory.extractions import (
    MemoryExtractionRunRepository,
    MemoryExtractionTemplateRepository,
)
from scrapegate.storage.memory.feedback import MemoryFeedbackRepository
from scrapegate.storage.memory.health import MemoryHealthSampleRepository
from scrapegate.storage.memory.history import MemoryPlaybookRepository, MemoryUsageRepository
from scrapegate.storage.memory.jobs import MemoryJobRepository
from scrapegate.storage.memory.kb import MemoryKbRepository
from scrapegate.storage.memory.ledger import MemoryLedgerRepository
from scrapegate.storage.memory.llm_keys import MemoryLlmKeyRepository
from scrapegate.storage.memory.notifications import (
    MemoryNotificationRepository,
    MemorySupportPreferenceRepository,
)
from scrapegate.storage.memory.oauth import MemoryOAuthRepository
from scrapegate.storage.memory.platform_events import (
    MemoryAnalyticsEventRepository,
    MemoryAnnouncementRepository,
    MemoryUnsubscribeRepository,
)
from scrapegate.storage.memory.reports import MemoryReportRepository
from scrapegate.storage.memory.state import MemoryState
from scrapegate.storage.memory.support import MemorySupportRepository
from scrapegate.storage.memory.webhooks import MemoryWebhookDeliveryRepository
from scrapegate.storage.protocols import Storage

__all__ = ["create_memory_storage"]


def create_memory_storage() -> Storage:
    state = MemoryState()
    return Storage(
        organizations=MemoryOrganizationRepository(state),
        users=MemoryUserRepository(state),
        api_keys=MemoryApiKeyRepository(state),
        ledger=MemoryLedgerRepository(state),
        jobs=MemoryJobRepository(state),
        cache=MemoryCacheRepository(state),
        usage=MemoryUsageRepository(state),
        playbook=MemoryPlaybookRepository(state),
        webhooks=MemoryWebhookDeliveryRepository(state),
        batches=MemoryBatchRepository(state),
        crawls=MemoryCrawlRepository(state),
        reports=MemoryReportRepository(),
        analytics=MemoryRequestLogQueries(state),
        analytics_events=MemoryAnalyticsEventRepository(),
        announcements=MemoryAnnouncementRepository(),
        unsubscribes=MemoryUnsubscribeRepository(),
        health=MemoryHealthSampleRepository(),
        oauth=MemoryOAuthRepository(),
        feedback=MemoryFeedbackRepository(state),
        support=MemorySupportRepository(),
        blog=MemoryBlogRepository(),
        kb=MemoryKbRepository(),
        notifications=MemoryNotificationRepository(),
        support_preferences=MemorySupportPreferenceRepository(),
        templates=MemoryExtractionTemplateRepository(),
        extractions=MemoryExtractionRunRepository(),
        llm_keys=MemoryLlmKeyRepository(),
        backend="memory",
    )
