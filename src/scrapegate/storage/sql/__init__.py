"""SQL storage (SQLite through aiosqlite, PostgreSQL through asyncpg) on SQLAlchemy 2 async."""

from __future__ import annotations

from scrapegate.storage.protocols import Storage
from scrapegate.storage.sql.accounts import (
    SqlApiKeyRepository,
    SqlOrganizationRepository,
    SqlUserRepository,
)
from scrapegate.storage.sql.analytics import SqlRequestLogQueries
from scrapegate.storage.sql.batches import SqlBatchRepository
from scrapegate.storage.sql.blog import SqlBlogRepository
from scrapegate.storage.sql.cache import SqlCacheRepository
from scrapegate.storage.sql.crawls import SqlCrawlRepository
from scrapegate.storage.sql.database import Database, create_engine_for, normalize_url
from scrapegate.storage.sql.extractions import (
    SqlExtractionRunRepository,
    SqlExtractionTemplateRepository,
)
from scrapegate.storage.sql.feedback import SqlFeedbackRepository
from scrapegate.storage.sql.health import SqlHealthSampleRepository
from scrapegate.storage.sql.jobs import SqlJobRepository
from scrapegate.storage.sql.kb import SqlKbRepository
from scrapegate.storage.sql.ledger import SqlLedgerRepository
from scrapegate.storage.sql.llm_keys import SqlLlmKeyRepository
from scrapegate.storage.sql.migrate import upgrade_database
from scrapegate.storage.sql.notifications import (
    SqlNotificationRepository,
    SqlSupportPreferenceRepository,
)
from scrapegate.storage.sql.oauth import SqlOAuthRepository
from scrapegate.storage.sql.platform_events import (
    SqlAnalyticsEventRepository,
    SqlAnnouncementRepository,
    SqlUnsubscribeRepository,
)
from scrapegate.storage.sql.playbook import SqlPlaybookRepository
from scrapegate.storage.sql.reports import SqlReportRepository
from scrapegate.storage.sql.support import SqlSupportRepository
from scrapegate.storage.sql.usage import SqlUsageRepository
from scrapegate.storage.sql.webhooks import SqlWebhookDeliveryRepository

__all__ = ["normalize_url", "open_sql_storage", "upgrade_database"]


async def open_sql_storage(url: str) -> Storage:
    """Storage on the database at ``url`` (already migrated: see ``upgrade_database``).

    Accepts ``sqlite:///path``, ``sqlite+aiosqlite:///path``, ``postgresql://...`` and
    ``postgresql+asyncpg://...``; the synchronous schemes are rewritten to the async drivers.
    """
    db = Database(create_engine_for(url))
    return Storage(
        organizations=SqlOrganizationRepository(db),
        users=SqlUserRepository(db),
        api_keys=SqlApiKeyRepository(db),
        ledger=SqlLedgerRepository(db),
        jobs=SqlJobRepository(db),
        cache=SqlCacheRepository(db),
        usage=SqlUsageRepository(db),
        playbook=SqlPlaybookRepository(db),
        webhooks=SqlWebhookDeliveryRepository(db),
        batches=SqlBatchRepository(db),
        crawls=SqlCrawlRepository(db),
        reports=SqlReportRepository(db),
        analytics=SqlRequestLogQueries(db),
        analytics_events=SqlAnalyticsEventRepository(db),
        announcements=SqlAnnouncementRepository(db),
        unsubscribes=SqlUnsubscribeRepository(db),
        health=SqlHealthSampleRepository(db),
        oauth=SqlOAuthRepository(db),
        feedback=SqlFeedbackRepository(db),
        support=SqlSupportRepository(db),
        blog=SqlBlogRepository(db),
        kb=SqlKbRepository(db),
        notifications=SqlNotificationRepository(db),
        support_preferences=SqlSupportPreferenceRepository(db),
        templates=SqlExtractionTemplateRepository(db),
        extractions=SqlExtractionRunRepository(db),
        llm_keys=SqlLlmKeyRepository(db),
        backend=db.backend,
        closer=db.close,
        pinger=db.ping,
    )
