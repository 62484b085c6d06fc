"""AlterLab's MCP tools, each an HTTP call to the scrapegate API with the caller's key.

A tool's docstring is its description; its arguments are typed in ``tool_args``. The result is
the API's JSON (as text, and as structured content); an API error is a tool error.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import anyio
import orjson
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ContentBlock, ImageContent, TextContent

from scrapegate.api.mcp.gateway import ApiCaller, ApiCallFailed, ApiGateway
from scrapegate.api.mcp.tool_args import (
    Advanced,
    Cache,
    CostControls,
    Evidence,
    ExtractionProfile,
    ExtractionPrompt,
    ExtractionSchema,
    Formats,
    FullPage,
    IncludeRawHtml,
    Location,
    Mode,
    RenderJs,
    Timeout,
    Url,
    UseProxy,
    WaitFor,
    WaitUntil,
)
from scrapegate.domain.json_types import JsonObject

JOB_ENDS = ("completed", "failed")
# What alterlab_extract returns of a scrape: the extraction, not the page's whole content.
EXTRACTION_KEYS = (
    "url",
    "final_url",
    "status_code",
    "extraction_result",
    "extraction_method",
    "extraction_error",
    "evidence",
    "warning",
    "credits_used",
)
ADVANCED_SHORTCUTS = ("render_js", "use_proxy")
BALANCE_KEYS = ("credits_available", "balance_display", "billing_enabled", "subscription_tier")

ToolContext = Context[ApiGateway]


def caller_of(ctx: ToolContext) -> ApiCaller:
    """The API with the key of this call: the configured one (stdio), else the request's own."""
    return ctx.request_context.lifespan_context.bound(ctx.headers)


def compact(**fields: Any) -> JsonObject:
    """A request body of the arguments given; the API's defaults apply to the others."""
    return {key: value for key, value in fields.items() if value is not None}


def merged(base: JsonObject | None, **fields: Any) -> JsonObject | None:
    """``base`` (an argument object) with the flat convenience arguments set on it."""
    combined = {**(base or {}), **compact(**fields)}
    return combined or None


def api_body(arguments: dict[str, Any], leave_out: tuple[str, ...] = ()) -> JsonObject:
    """A tool's arguments (its ``locals()`` on entry) as the API request body: the arguments
    are named as the body's fields, but for the MCP context, the tool's own ``leave_out`` and
    the shortcuts ``render_js``/``use_proxy``, which go into ``advanced``."""
    fields = {key: value for key, value in arguments.items() if key not in ("ctx", *leave_out)}
    shortcuts = {name: fields.pop(name, None) for name in ADVANCED_SHORTCUTS}
    fields["advanced"] = merged(fields.get("advanced"), **shortcuts)
    return compact(**fields)


def json_result(payload: JsonObject) -> CallToolResult:
    text = orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode()
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=payload)


def path_id(value: str) -> str:
    """An id as one path segment: a caller's ``../scrape`` must not reach another route."""
    return quote(value, safe="")


async def finished_scrape(ctx: ToolContext, body: JsonObject) -> JsonObject:
    """The scrape's result; a scrape the API answered 202 (still running) is polled to its end."""
    caller = caller_of(ctx)
    answer = await caller.post("/api/v1/scrape", body)
    if answer.status != 202:
        return answer.body
    job_path = f"/api/v1/jobs/{path_id(str(answer.body.get('job_id')))}"
    config = ctx.request_context.lifespan_context.config
    job = answer.body  # pending or running, as the 202 says
    with anyio.move_on_after(config.timeout_s):
        while (job := (await caller.get(job_path)).body).get("status") not in JOB_ENDS:
            await anyio.sleep(config.poll_interval_s)
    if job.get("status") not in JOB_ENDS:
        message = f"the scrape is still {job.get('status')} after {config.timeout_s:g} s"
        raise ApiCallFailed(None, {"error": "TIMEOUT", "message": f"{message}: poll {job_path}"})
    if job.get("status") == "failed":
        envelope = {"error": job.get("error_code"), "message": job.get("error")}
        raise ApiCallFailed(None, envelope | {"details": job.get("error_details")})
    result = job.get("result")
    return result if isinstance(result, dict) else {}


async def alterlab_scrape(
    ctx: ToolContext,
    url: Url,
    formats: Formats = None,
    mode: Mode = None,
    render_js: RenderJs = None,
    use_proxy: UseProxy = None,
    wait_for: WaitFor = None,
    timeout: Timeout = None,
    cache: Cache = None,
    include_raw_html: IncludeRawHtml = None,
    extraction_schema: ExtractionSchema = None,
    extraction_profile: ExtractionProfile = None,
    extraction_prompt: ExtractionPrompt = None,
    evidence: Evidence = None,
    location: Location = None,
    advanced: Advanced = None,
    cost_controls: CostControls = None,
) -> CallToolResult:
    """Scrape one URL and return its content (markdown by default) with billing details.
    Tiers escalate automatically from a plain HTTP fetch to a headless browser as the site
    needs; use cost_controls to cap the spend. Costs exactly what POST /api/v1/scrape costs."""
    body = api_body(locals())
    return json_result(await finished_scrape(ctx, body))


async def alterlab_extract(
    ctx: ToolContext,
    url: Url,
    extraction_schema: ExtractionSchema = None,
    extraction_profile: ExtractionProfile = None,
    extraction_prompt: ExtractionPrompt = None,
    evidence: Evidence = None,
    render_js: RenderJs = None,
    use_proxy: UseProxy = None,
    wait_for: WaitFor = None,
) -> CallToolResult:
    """Extract structured JSON from a page: with a built-in profile (product, article,
    job_posting, faq, recipe, event, ecommerce_homepage, directory_listing, or auto) or your
    own JSON Schema / shorthand schema. Values come from schema.org data, OpenGraph, meta tags
    and the page's markup; a field the page does not state is null. Without a schema, a
    profile or a prompt, the auto profile is used."""
    body = api_body(locals())
    chosen = extraction_schema or extraction_profile or extraction_prompt
    result = await finished_scrape(ctx, body if chosen else body | {"extraction_profile": "auto"})
    return json_result({key: result[key] for key in EXTRACTION_KEYS if key in result})


async def alterlab_screenshot(
    ctx: ToolContext,
    url: Url,
    wait_for: WaitFor = None,
    wait_until: WaitUntil = None,
    full_page: FullPage = None,
) -> CallToolResult:
    """Take a screenshot of a page in a headless browser and return it as a PNG image (with
    its artifact URL). Use wait_for to wait for an element before the capture."""
    advanced = merged({"render_js": True}, full_page_screenshot=full_page)
    body = compact(
        url=url, screenshot=True, wait_for=wait_for, wait_until=wait_until, advanced=advanced
    )
    result = await finished_scrape(ctx, body)
    link, inline = result.get("screenshot_url"), result.get("screenshot_base64")
    if not isinstance(link, str):
        missing = f"the scrape of {url} returned no screenshot"
        raise ApiCallFailed(None, {"error": "INTERNAL_ERROR", "message": missing})
    data = inline if isinstance(inline, str) else None
    if data is None:
        data = base64.b64encode(await caller_of(ctx).download(link)).decode()
    facts = {key: result.get(key) for key in ("url", "final_url", "credits_used")}
    summary = orjson.dumps(facts | {"screenshot_url": link}, option=orjson.OPT_INDENT_2)
    blocks: list[ContentBlock] = [
        ImageContent(type="image", data=data, mime_type="image/png"),
        TextContent(type="text", text=summary.decode()),
    ]
    return CallToolResult(content=blocks)


async def alterlab_estimate_cost(
    ctx: ToolContext,
    url: Url,
    mode: Mode = None,
    formats: Formats = None,
    render_js: RenderJs = None,
    use_proxy: UseProxy = None,
    advanced: Advanced = None,
    cost_controls: CostControls = None,
) -> CallToolResult:
    """Estimate what scraping a URL would cost, without scraping it (free): the likely tier,
    the credits, and the confidence of the estimate."""
    body = api_body(locals())
    return json_result((await caller_of(ctx).post("/api/v1/scrape/estimate", body)).body)


async def alterlab_check_balance(ctx: ToolContext) -> CallToolResult:
    """The account's balance (credits_available, null when billing is off)."""
    usage = (await caller_of(ctx).get("/api/v1/usage")).body
    return json_result({key: usage[key] for key in BALANCE_KEYS if key in usage})


async def alterlab_get_usage(ctx: ToolContext) -> CallToolResult:
    """Usage of the current billing period: credits used, requests, balance and period."""
    return json_result((await caller_of(ctx).get("/api/v1/usage")).body)


TOOLS = (
    alterlab_scrape,
    alterlab_extract,
    alterlab_screenshot,
    alterlab_estimate_cost,
    alterlab_check_balance,
    alterlab_get_usage,
)
