"""Composition of the platform services (issue 6 modules) for ``api/app.py``."""

from __future__ import annotations

from scrapegate.accounts.keys import KeyService
from scrapegate.api.oauth import AccountKeyIssuer
from scrapegate.config import Settings
from scrapegate.engine.engine import ScrapeEngine
from scrapegate.jobs.job_effects import log_row_id
from scrapegate.platform.blog.service import KEY_LABEL as BLOG_KEY_LABEL
from scrapegate.platform.blog.service import BlogService
from scrapegate.platform.feedback import FeedbackService
from scrapegate.platform.feedback_diagnosis import FeedbackDiagnosis, diagnostic_engine
from scrapegate.platform.oauth import OAuthService
from scrapegate.platform.support.service import SupportService
from scrapegate.secret_keys import derive_key, master_secret
from scrapegate.storage.protocols import Storage


def build_blog(settings: Settings, storage: Storage) -> BlogService:
    return BlogService(
        settings.blog_dir,
        storage.blog,
        settings.public_base_url,
        derive_key(master_secret(settings), BLOG_KEY_LABEL),
    )


def build_oauth(settings: Settings, storage: Storage, keys: KeyService) -> OAuthService:
    issuer = AccountKeyIssuer(keys, storage.api_keys)
    return OAuthService(storage.oauth, issuer, settings.oauth.code_ttl_s)


def build_feedback(
    settings: Settings, storage: Storage, engine: ScrapeEngine, support: SupportService
) -> FeedbackService:
    diagnosis = FeedbackDiagnosis(
        diagnostic_engine(engine, storage.playbook, settings.quality.min_words),
        storage.feedback,
        storage.playbook,
    )
    return FeedbackService(
        storage,
        diagnosis,
        log_row_id,
        tickets=support,
        support_enabled=settings.modules.support,
    )
