"""The dashboard and usage response models put the services' dataclasses on the wire byte for byte
as the routes did when they built the JSON themselves: key order, nulls, numbers and timestamps."""

from __future__ import annotations

from datetime import date

from scrapegate.api.dashboard_models import (
    DashboardJobDetail,
    DetailedLogsResponse,
    StatusCodesResponse,
    TopConsumersResponse,
    UsageTimeseriesResponse,
)
from scrapegate.api.usage_models import SpendEstimateResponse, UsageByKeyResponse
from scrapegate.platform.dashboard_jobs import JobDetail
from scrapegate.platform.dashboard_logs import CrawlGroup, CrawlSummary, LogPage, LogView
from scrapegate.platform.dashboard_views import (
    Consumer,
    DayUsage,
    StatusCodes,
    StatusCodeShare,
    StatusFamilies,
    TopConsumers,
    UsageTimeseries,
)
from scrapegate.platform.usage_report import KeyUsage, SpendEstimate, UsageByKey
from tests.api.wire_support import AT, AT_WIRE, wire


def test_status_families_keep_their_numeric_keys() -> None:
    codes = StatusCodes([StatusCodeShare(200, 4, 80.0)], StatusFamilies(4, 0, 1, 0, 0))
    assert wire(StatusCodesResponse, codes) == (
        '{"individual":[{"status_code":200,"count":4,"percentage":80.0}],'
        '"grouped":{"2xx":4,"3xx":0,"4xx":1,"5xx":0,"no_response":0}}'
    )


def test_top_consumers_name_the_key_by_dimension() -> None:
    top = TopConsumers([Consumer("a.example", 2, 5, 0.5)], [Consumer(None, 1, 0, 0.0)])
    assert wire(TopConsumersResponse, top) == (
        '{"top_domains":[{"domain":"a.example","requests":2,"credits":5,"success_rate":0.5}],'
        '"top_urls":[{"url":null,"requests":1,"credits":0,"success_rate":0.0}]}'
    )


def test_daily_usage_has_day_labels_and_millisecond_periods() -> None:
    series = UsageTimeseries(AT, AT, [DayUsage(date(2026, 3, 4), 1, 1, 0, 200, 0)], total_days=1)
    assert wire(UsageTimeseriesResponse, series) == (
        '{"data":[{"date":"2026-03-04","requests":1,"successful":1,"failed":0,"credits":200,'
        f'"cached":0}}],"period_start":"{AT_WIRE}","period_end":"{AT_WIRE}","total_days":1}}'
    )


def row(crawl_id: str | None) -> LogView:
    return LogView(
        id="r1",
        job_id=None,
        created_at=AT,
        url="https://a.example/",
        domain="a.example",
        source="api",
        endpoint_type="scrape",
        mode="auto",
        status="completed",
        error_code=None,
        status_code=200,
        tier_used="1",
        credits_used=200,
        cached=False,
        response_time_ms=42,
        crawl_id=crawl_id,
        api_key_id="k1",
        api_key_name=None,
    )


def row_wire(crawl_id: str) -> str:
    return (
        f'{{"id":"r1","job_id":null,"created_at":"{AT_WIRE}","url":"https://a.example/",'
        '"domain":"a.example","source":"api","endpoint_type":"scrape","mode":"auto",'
        '"status":"completed","error_code":null,"status_code":200,"tier_used":"1",'
        f'"credits_used":200,"cached":false,"response_time_ms":42,"crawl_id":{crawl_id},'
        '"api_key_id":"k1","api_key_name":null}'
    )


def test_log_pages_mix_rows_and_crawl_groups() -> None:
    summary = CrawlSummary("c1", None, "a.example", 1, 1, 0, 200, AT, None)
    page = LogPage(2, 10, 0, False, logs=[row(None), CrawlGroup("c1", summary, [row("c1")])])
    child = row_wire('"c1"')
    group = (
        '{"type":"crawl_group","crawl_id":"c1","summary":{"crawl_id":"c1","url":null,'
        '"domain":"a.example","total_pages":1,"successful_pages":1,"failed_pages":0,'
        f'"credits_used":200,"started_at":"{AT_WIRE}","ended_at":null}},'
        f'"children":[{child}]}}'
    )
    assert wire(DetailedLogsResponse, page) == (
        f'{{"logs":[{row_wire("null")},{group}],"total":2,"limit":10,"offset":0,"has_more":false}}'
    )


def test_job_detail_follows_the_summary_fields() -> None:
    detail = JobDetail(
        *("j1", "https://a.example/", None, "failed", "api", 0, None, None, "TIMEOUT", 42, AT),
        completed_at=None,
        started_at=None,
        api_key_id=None,
        error=None,
        request=None,
        billing={"credits_used": 0},
        result_available=False,
        result_expires_at=None,
        result=None,
    )
    assert wire(DashboardJobDetail, detail) == (
        '{"id":"j1","url":"https://a.example/","mode":null,"status":"failed","source":"api",'
        '"credits_used":0,"tier_used":null,"status_code":null,"error_code":"TIMEOUT",'
        f'"response_time_ms":42,"created_at":"{AT_WIRE}","completed_at":null,"started_at":null,'
        '"api_key_id":null,"error":null,"request":null,"billing":{"credits_used":0},'
        '"result_available":false,"result_expires_at":null,"result":null}'
    )


def test_usage_by_key_lists_null_limits() -> None:
    key = KeyUsage("k1", "live", "sk_live_abcd", 3, 2, 1, 500, None, deleted=False)
    report = UsageByKey([key], 500, 3, AT, AT)
    assert wire(UsageByKeyResponse, report) == (
        '{"keys":[{"api_key_id":"k1","name":"live","key_prefix":"sk_live_abcd","requests":3,'
        '"successful_requests":2,"failed_requests":1,"spend_microcents":500,'
        '"last_used_at":null,"limits":null,"deleted":false}],'
        '"account_total_spend_microcents":500,"account_total_requests":3,'
        f'"period_start":"{AT_WIRE}","period_end":"{AT_WIRE}"}}'
    )


def test_spend_estimate_keeps_float_and_integer_fields_apart() -> None:
    estimate = SpendEstimate(0.0, 0, 0, 7, False, 1_000, None, 12.0)
    assert wire(SpendEstimateResponse, estimate) == (
        '{"avg_cost_per_request":0.0,"total_cost_microcents":0,"request_count":0,'
        '"window_days":7,"has_enough_data":false,"balance_microcents":1000,'
        '"estimated_requests_remaining":null,"estimated_days_remaining":12.0}'
    )
