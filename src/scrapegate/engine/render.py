"""Browser render options from a scrape request."""

from __future__ import annotations

from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.fetchers.base import RenderOptions

# Country -> (locale, timezone) so a rendered page's clock and language match its exit country.
COUNTRY_LOCALES: dict[str, tuple[str, str]] = {
    "US": ("en-US", "America/New_York"),
    "GB": ("en-GB", "Europe/London"),
    "DE": ("de-DE", "Europe/Berlin"),
    "FR": ("fr-FR", "Europe/Paris"),
    "ES": ("es-ES", "Europe/Madrid"),
    "IT": ("it-IT", "Europe/Rome"),
    "NL": ("nl-NL", "Europe/Amsterdam"),
    "PL": ("pl-PL", "Europe/Warsaw"),
    "SE": ("sv-SE", "Europe/Stockholm"),
    "CH": ("de-CH", "Europe/Zurich"),
    "AT": ("de-AT", "Europe/Vienna"),
    "BR": ("pt-BR", "America/Sao_Paulo"),
    "MX": ("es-MX", "America/Mexico_City"),
    "CA": ("en-CA", "America/Toronto"),
    "AU": ("en-AU", "Australia/Sydney"),
    "JP": ("ja-JP", "Asia/Tokyo"),
    "KR": ("ko-KR", "Asia/Seoul"),
    "CN": ("zh-CN", "Asia/Shanghai"),
    "IN": ("en-IN", "Asia/Kolkata"),
    "SG": ("en-SG", "Asia/Singapore"),
}


def render_options(req: ScrapeRequest, *, allow_evaluate: bool) -> RenderOptions:
    adv = req.advanced
    locale, timezone = _locale(req)
    width, height = (
        (adv.viewport.width, adv.viewport.height)
        if adv.viewport
        else ((390, 844) if adv.mobile else (1366, 768))
    )
    return RenderOptions(
        wait_until=adv.wait_condition,
        wait_for=req.wait_for,
        wait_for_timeout_ms=req.wait_for_timeout_ms,
        actions=adv.actions,
        screenshot=adv.screenshot,
        full_page_screenshot=adv.full_page_screenshot,
        generate_pdf=adv.generate_pdf,
        scroll_to_load=adv.scroll_to_load,
        scroll_count=adv.scroll_count,
        include_iframes=adv.include_iframes,
        flatten_shadow_dom=adv.flatten_shadow_dom,
        remove_cookie_banners=adv.remove_cookie_banners,
        block_images=adv.block_images,
        block_ads=adv.block_ads,
        mobile=adv.mobile,
        viewport_width=width,
        viewport_height=height,
        locale=locale,
        timezone_id=timezone,
        allow_evaluate=allow_evaluate,
    )


def _locale(req: ScrapeRequest) -> tuple[str | None, str | None]:
    country = req.country
    locale, timezone = COUNTRY_LOCALES.get(country or "", (None, None))
    language = req.location.language if req.location else None
    return (language or locale), timezone
