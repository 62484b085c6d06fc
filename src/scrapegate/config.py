"""Settings: read once from the environment (prefix ``SCRAPEGATE_``, nested keys with ``__``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServerSettings(BaseModel):
    mode: Literal["production", "development"] = "production"
    public_base_url: str | None = None
    contact_url: str | None = None
    cors_origins: list[str] = Field(default_factory=list)


class BillingSettings(BaseModel):
    enabled: bool = False
    default_balance_microcents: int = Field(default=5_000_000, ge=0)
    warn_low_microcents: int = 5_000_000
    warn_critical_microcents: int = 1_000_000


class AddonPrices(BaseModel):
    screenshot: int = 200
    pdf: int = 400
    ocr: int = 1_000
    proxy: int = 200


class PricingSettings(BaseModel):
    # Prices of tiers "1", "2", "3", "3.5", "4", "5" in microcents.
    tiers: list[int] = Field(default_factory=lambda: [200, 300, 2_000, 2_500, 4_000, 20_000])
    addons: AddonPrices = Field(default_factory=AddonPrices)
    search: int = 1_000
    map: int = 1_000
    extract: int = 2_500
    llm_extraction: int = 2_500

    @field_validator("tiers")
    @classmethod
    def _six_prices(cls, value: list[int]) -> list[int]:
        if len(value) != 6 or any(p < 0 for p in value):
            raise ValueError(
                "pricing.tiers needs six non-negative prices (tiers 1, 2, 3, 3.5, 4, 5)"
            )
        return value


class ScrapeSettings(BaseModel):
    sync_wait_budget_s: float = Field(default=25.0, gt=0, le=120)
    default_cache_ttl_s: int = 3_600


class JobSettings(BaseModel):
    result_ttl_s: int = Field(default=3_600, ge=1)
    tombstone_ttl_s: int = 7 * 86_400
    queue_timeout_s: int = 600
    workers: int = Field(default=8, ge=1, le=256)
    lease_s: float = Field(default=30.0, ge=1.0)
    purge_interval_s: float = Field(default=60.0, gt=0)
    # Redis topology only (SCRAPEGATE_REDIS_URL set):
    job_timeout_s: float = Field(default=900.0, gt=0)  # arq's hard limit per job run
    shutdown_wait_s: float = Field(default=30.0, ge=0)  # SIGTERM: finish running jobs this long
    stale_pending_s: float = Field(default=120.0, gt=0)  # reaper re-queues older pending jobs


class QualitySettings(BaseModel):
    min_words: int = 50


class PlaybookSettings(BaseModel):
    shared: bool = False
    overrides: dict[str, str] = Field(default_factory=dict)


class SecuritySettings(BaseModel):
    allowed_ports: list[int] = Field(default_factory=lambda: [80, 443, 8080, 8443])
    allowed_private_cidrs: list[str] = Field(default_factory=list)
    deny_hosts: list[str] = Field(default_factory=list)


class RateLimitSettings(BaseModel):
    default_rpm: int = Field(default=600, ge=1)
    default_concurrency: int = Field(default=20, ge=1)
    job_poll_per_second: int = 20
    failed_auth_per_minute: int = 30


class WebhookSettings(BaseModel):
    max_attempts: int = Field(default=3, ge=1, le=10)
    timeout_s: float = 10.0
    backoff_base_s: float = 10.0
    allow_private_networks: bool = False
    allow_http: bool = False


class ArtifactSettings(BaseModel):
    ttl_s: int = Field(default=86_400, ge=60)
    inline_base64: bool = False


class BrowserSettings(BaseModel):
    executable_path: str = "/usr/bin/chromium"
    pool_size: int = Field(default=2, ge=1, le=32)
    contexts_per_browser: int = Field(default=4, ge=1, le=64)
    allow_evaluate: bool = True


class OcrSettings(BaseModel):
    enabled: bool = True


class ConvertSettings(BaseModel):
    # Page-conversion processes; unset: one per usable core; 0: convert in a thread instead.
    processes: int | None = Field(default=None, ge=0, le=64)


class BatchLimits(BaseModel):
    max_items: int = Field(default=100, ge=1, le=1_000)
    result_ttl_s: int = Field(default=86_400, ge=60)


class CrawlLimits(BaseModel):
    # Politeness floor between two requests to one host; 0 for benchmarks.
    host_interval_floor_s: float = Field(default=0.25, ge=0.0, le=60.0)
    progress_interval_s: float = Field(default=5.0, gt=0.0)


class EscalationSettings(BaseModel):
    allow_stealth_tiers: bool = True


# Beacon event names; funnel names follow the same rule.
EVENT_NAME_PATTERN = r"^[a-z0-9_.:-]{1,64}$"


class FunnelConfig(BaseModel):
    """A conversion funnel over beacon events."""

    name: str = Field(pattern=EVENT_NAME_PATTERN)
    steps: list[Annotated[str, Field(pattern=EVENT_NAME_PATTERN)]] = Field(
        min_length=1, max_length=20
    )
    window_hours: int = Field(default=72, ge=1, le=24 * 365)


def _default_funnels() -> list[FunnelConfig]:
    return [
        FunnelConfig(
            name="onboarding",
            steps=["signup_started", "signup_completed", "first_scrape"],
            window_hours=72,
        )
    ]


class AnalyticsSettings(BaseModel):
    funnels: list[FunnelConfig] = Field(default_factory=_default_funnels)

    @field_validator("funnels")
    @classmethod
    def _unique_names(cls, value: list[FunnelConfig]) -> list[FunnelConfig]:
        names = [funnel.name for funnel in value]
        if len(names) != len(set(names)):
            raise ValueError("analytics.funnels names must be unique")
        return value


class HealthSettings(BaseModel):
    # True: /health/jobs and /health/ready show only their status field to non-admin callers.
    detail_requires_admin: bool = False


class StatusSettings(BaseModel):
    # How often the public status page's prober samples every service.
    probe_interval_s: float = Field(default=60.0, ge=1.0, le=3_600.0)


class ModuleSwitches(BaseModel):
    # Optional platform modules; a module switched off answers 404.
    blog: bool = True
    support: bool = True
    analytics: bool = True
    reports: bool = True


class BlogSettings(BaseModel):
    # Markdown posts with front-matter; unset: <data_dir>/blog.
    content_dir: Path | None = None


class SupportSettings(BaseModel):
    max_open_tickets: int = Field(default=20, ge=1, le=10_000)
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    uploads_per_hour: int = Field(default=30, ge=1, le=10_000)
    # Uploads not attached to a ticket within this time are deleted.
    unattached_ttl_s: int = Field(default=24 * 3600, ge=60)
    auto_close_after_s: int = Field(default=7 * 24 * 3600, ge=60)


class OAuthSettings(BaseModel):
    code_ttl_s: int = Field(default=300, ge=10, le=3600)


StructuredOutput = Literal["auto", "json_schema", "tools", "json", "prompt"]


class LlmSettings(BaseModel):
    # The server LLM: any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, OpenAI...).
    base_url: str | None = None  # unset: no server LLM (users may still bring their own keys)
    api_key: SecretStr | None = None  # local servers usually need none
    model: str | None = None
    timeout_s: float = Field(default=60.0, gt=0, le=600)
    max_input_chars: int = Field(default=100_000, ge=1_000, le=5_000_000)
    structured_output: StructuredOutput = "auto"
    allow_server_default: bool = True  # users without a key of their own use the server LLM

    @property
    def configured(self) -> bool:
        return bool(self.base_url) and bool(self.model)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCRAPEGATE_", env_nested_delimiter="__", extra="ignore"
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    data_dir: Path = Path("./data")
    database_url: str | None = None
    redis_url: str | None = None
    bootstrap_api_key: str | None = None
    allow_private_networks: bool = False
    secret_key: str | None = None
    searxng_url: str | None = None  # SearXNG instance for /api/v1/search; unset: search is 501
    log_level: str = "info"

    server: ServerSettings = Field(default_factory=ServerSettings)
    billing: BillingSettings = Field(default_factory=BillingSettings)
    pricing: PricingSettings = Field(default_factory=PricingSettings)
    scrape: ScrapeSettings = Field(default_factory=ScrapeSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    quality: QualitySettings = Field(default_factory=QualitySettings)
    playbook: PlaybookSettings = Field(default_factory=PlaybookSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    rate_limits: RateLimitSettings = Field(default_factory=RateLimitSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    escalation: EscalationSettings = Field(default_factory=EscalationSettings)
    artifacts: ArtifactSettings = Field(default_factory=ArtifactSettings)
    batch: BatchLimits = Field(default_factory=BatchLimits)
    crawl: CrawlLimits = Field(default_factory=CrawlLimits)
    browser: BrowserSettings = Field(default_factory=BrowserSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    convert: ConvertSettings = Field(default_factory=ConvertSettings)
    status: StatusSettings = Field(default_factory=StatusSettings)
    health: HealthSettings = Field(default_factory=HealthSettings)
    analytics: AnalyticsSettings = Field(default_factory=AnalyticsSettings)
    modules: ModuleSwitches = Field(default_factory=ModuleSwitches)
    blog: BlogSettings = Field(default_factory=BlogSettings)
    support: SupportSettings = Field(default_factory=SupportSettings)
    oauth: OAuthSettings = Field(default_factory=OAuthSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)

    @property
    def public_base_url(self) -> str:
        return self.server.public_base_url or f"http://{self.host}:{self.port}"

    @field_validator("bootstrap_api_key")
    @classmethod
    def _key_shape(cls, value: str | None) -> str | None:
        if value is not None and not (16 <= len(value) <= 256 and value.isprintable()):
            raise ValueError("must be 16-256 printable characters")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'scrapegate.db').resolve()}"

    @property
    def blog_dir(self) -> Path:
        return self.blog.content_dir or self.data_dir / "blog"

    @property
    def development(self) -> bool:
        return self.server.mode == "development"


class ConfigError(Exception):
    """Raised when the environment holds an invalid setting; the message is one line."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "__".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"invalid setting SCRAPEGATE_{where}: {first['msg']}") from None


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built once."""
    return load_settings()
