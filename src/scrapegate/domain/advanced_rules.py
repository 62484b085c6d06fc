"""The ``advanced`` object: validation rules 12-27 and its other fields."""

from __future__ import annotations

from dataclasses import dataclass

from scrapegate.domain.action_rules import read_actions
from scrapegate.domain.header_rules import read_headers
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.scrape_model import Advanced, RenderJS, SectionFilter, Viewport

WAIT_CONDITIONS = ("domcontentloaded", "networkidle", "load")
WAIT_CONDITION_DETAIL = "wait_condition must be one of: domcontentloaded, networkidle, load"
SECTION_FILTER_KEYS = ("content_only", "exclude_content_types", "min_content_blocks")
CONTENT_TYPES = ("blockquote", "code", "details", "dl", "image", "list", "paragraph", "table")
MAX_COOKIES = 100
MAX_COOKIE_VALUE = 4_096
MAX_SELECTORS = 50
_EMPTY = FieldReader({}, "advanced.")
# Plain boolean options of ``advanced`` with their defaults (``screenshot`` has an alias).
ADVANCED_FLAGS: dict[str, bool] = {
    "full_page_screenshot": True,
    "markdown": False,
    "generate_pdf": False,
    "ocr": False,
    "use_proxy": False,
    "use_own_proxy": False,
    "use_system_proxy": False,
    "remove_cookie_banners": True,
    "scroll_to_load": False,
    "include_iframes": False,
    "flatten_shadow_dom": False,
    "only_main_content": True,
    "block_ads": True,
    "block_images": False,
    "mobile": False,
    "skip_tls_verification": False,
    "remove_base64_images": True,
}


@dataclass(frozen=True)
class TopLevelAliases:
    """Top-level fields that are aliases of ``advanced`` ones."""

    screenshot: bool | None = None
    wait_until: str | None = None


def _read_cookies(adv: FieldReader) -> dict[str, str] | None:
    cookies = adv.string_map("cookies")
    if cookies is None:
        return None
    if len(cookies) > MAX_COOKIES:
        raise adv.error("cookies", f"cookies must contain at most {MAX_COOKIES} entries")
    for name, value in cookies.items():
        if len(value) > MAX_COOKIE_VALUE:
            raise adv.error(
                "cookies", f'Cookie "{name}" value must be at most {MAX_COOKIE_VALUE} characters'
            )
    return cookies


def _read_render_js(adv: FieldReader) -> RenderJS:
    """Rule 13."""
    value = adv.raw("render_js")
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if value == "auto":
        return "auto"
    raise adv.error("render_js", 'render_js must be true, false, or "auto"')


def _requires_true_render_js(name: str) -> str:
    return f'{name} requires advanced.render_js=true (render_js="auto" is not sufficient)'


def _check_render_requirements(adv: FieldReader, render_js: RenderJS, top: TopLevelAliases) -> None:
    """Rules 14-16."""
    own_screenshot = adv.boolean("screenshot", False)
    if (own_screenshot or top.screenshot) and render_js is not True:
        where = adv if own_screenshot else FieldReader({})
        raise where.error("screenshot", _requires_true_render_js("screenshot"))
    if adv.boolean("generate_pdf", False) and render_js is not True:
        raise adv.error("generate_pdf", _requires_true_render_js("generate_pdf"))
    for name in ("scroll_to_load", "include_iframes", "flatten_shadow_dom"):
        if adv.boolean(name, False) and render_js is False:
            raise adv.error(name, f'{name} requires advanced.render_js=true or "auto"')


def _read_wait_condition(adv: FieldReader, top: TopLevelAliases) -> str:
    """Rule 17: ``advanced.wait_condition`` wins over the top-level ``wait_until`` alias."""
    own = adv.choice("wait_condition", WAIT_CONDITIONS, WAIT_CONDITION_DETAIL)
    if top.wait_until is not None and top.wait_until not in WAIT_CONDITIONS:
        raise FieldReader({}).error("wait_until", WAIT_CONDITION_DETAIL)
    return own or top.wait_until or "networkidle"


def _read_section_filter(adv: FieldReader) -> SectionFilter | None:
    """Rules 19-23."""
    section = adv.child("section_filter")
    if section is None:
        return None
    unknown = sorted(set(section.data) - set(SECTION_FILTER_KEYS))
    if unknown:
        raise adv.error(
            "section_filter",
            f"section_filter contains unknown keys: [{', '.join(unknown)}]. "
            f"Allowed keys: [{', '.join(SECTION_FILTER_KEYS)}]",
        )
    blocks = section.raw("min_content_blocks")
    if blocks is not None and (
        isinstance(blocks, bool) or not isinstance(blocks, int) or blocks < 0
    ):
        raise section.error(
            "min_content_blocks", "section_filter.min_content_blocks must be a non-negative integer"
        )
    types = section.string_list("exclude_content_types") or ()
    bad = sorted(set(types) - set(CONTENT_TYPES))
    if bad:
        raise section.error(
            "exclude_content_types",
            f"section_filter.exclude_content_types contains unknown types: [{', '.join(bad)}]. "
            f"Allowed: [{', '.join(CONTENT_TYPES)}]",
        )
    return SectionFilter(
        min_content_blocks=blocks or 0,
        exclude_content_types=tuple(dict.fromkeys(types)),
        content_only=section.boolean("content_only", False),
    )


def _read_viewport(adv: FieldReader) -> Viewport | None:
    viewport = adv.child("viewport")
    if viewport is None:
        return None
    width = viewport.integer("width", 320, 3840, "viewport.width must be between 320 and 3840")
    height = viewport.integer("height", 240, 2160, "viewport.height must be between 240 and 2160")
    return Viewport(width=width or Viewport.width, height=height or Viewport.height)


def _read_rag(adv: FieldReader) -> tuple[int, int]:
    chunk = adv.integer(
        "rag_chunk_tokens", 64, 4096, "rag_chunk_tokens must be between 64 and 4096"
    )
    chunk = chunk if chunk is not None else Advanced.rag_chunk_tokens
    overlap = adv.integer(
        "rag_overlap_tokens",
        0,
        chunk // 2,
        f"rag_overlap_tokens must be between 0 and {chunk // 2}",
    )
    return chunk, overlap if overlap is not None else min(Advanced.rag_overlap_tokens, chunk // 2)


def read_advanced(adv: FieldReader | None, top: TopLevelAliases) -> Advanced:
    """Rules 12-27 in order, then the advanced fields that have no numbered rule."""
    adv = adv or _EMPTY
    if adv.has("session_id") and adv.has("cookies"):
        raise adv.error(
            "session_id",
            "Cannot provide both session_id and cookies. Use session_id to reference a stored "
            "session or provide inline cookies, not both.",
        )
    session_id = adv.string("session_id")
    cookies = _read_cookies(adv)
    render_js = _read_render_js(adv)
    _check_render_requirements(adv, render_js, top)
    wait_condition = _read_wait_condition(adv, top)
    scroll_count = adv.integer("scroll_count", 1, 10, "scroll_count must be between 1 and 10")
    section_filter = _read_section_filter(adv)
    actions = read_actions(adv, render_js is not False)
    rag_chunk, rag_overlap = _read_rag(adv)
    return Advanced(
        render_js=render_js,
        **{name: adv.boolean(name, default) for name, default in ADVANCED_FLAGS.items()},
        screenshot=adv.boolean("screenshot", False) or bool(top.screenshot),
        proxy_integration_id=adv.string("proxy_integration_id"),
        wait_condition=wait_condition,
        scroll_count=scroll_count if scroll_count is not None else Advanced.scroll_count,
        section_filter=section_filter,
        session_id=session_id,
        cookies=cookies,
        session_headers=read_headers(adv, "session_headers"),
        actions=actions,
        include_selectors=adv.string_list("include_selectors", MAX_SELECTORS) or (),
        exclude_selectors=adv.string_list("exclude_selectors", MAX_SELECTORS) or (),
        viewport=_read_viewport(adv),
        rag_chunk_tokens=rag_chunk,
        rag_overlap_tokens=rag_overlap,
    )
