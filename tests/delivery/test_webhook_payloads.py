"""Pure parts of webhook delivery: signatures, body, Retry-After, response classification."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from scrapegate.delivery.webhook_signing import signature_matches
from scrapegate.delivery.webhooks import (
    build_body,
    classify_response,
    encode_body,
    format_timestamp,
    parse_retry_after,
    sign_v1,
    sign_v2,
)

MOMENT = datetime(2026, 3, 14, 9, 27, 1, 2_999, tzinfo=UTC)


def test_v1_signs_the_raw_body() -> None:
    expected = hmac.new(b"whsec_abc", b'{"a":1}', hashlib.sha256).hexdigest()
    assert sign_v1("whsec_abc", b'{"a":1}') == f"sha256={expected}"


def test_v2_signs_timestamp_delivery_and_body() -> None:
    message = b'1700000000.d-1.{"a":1}'
    expected = hmac.new(b"whsec_abc", message, hashlib.sha256).hexdigest()
    assert sign_v2("whsec_abc", 1_700_000_000, "d-1", b'{"a":1}') == f"sha256={expected}"
    assert sign_v2("whsec_abc", 1_700_000_001, "d-1", b'{"a":1}') != f"sha256={expected}"


def test_rotated_signature_header_matches_either_value() -> None:
    new, old = sign_v1("new-secret", b"x"), sign_v1("old-secret", b"x")
    assert signature_matches(f"{new},{old}", old)
    assert signature_matches(f"{new}, {old}", new)
    assert not signature_matches(new, old)


def test_body_shape() -> None:
    body = build_body(
        event="job.failed", org_id="org-1", data={"error": "x"}, created_at=MOMENT, job_id="j"
    )
    assert list(body) == [
        "event",
        "event_id",
        "created_at",
        "api_version",
        "organization_id",
        "data",
    ]
    assert body["created_at"] == "2026-03-14T09:27:01.002Z"
    assert body["api_version"] == "v1"
    assert body["data"] == {"error": "x"}


def test_huge_result_is_replaced_by_a_link() -> None:
    data = {"job_id": "j-9", "status": "completed", "result": {"html": "a" * (5 * 1024 * 1024)}}
    body = build_body(event="job.completed", org_id="o", data=data, created_at=MOMENT, job_id=None)
    assert body["data"] == {
        "job_id": "j-9",
        "status": "completed",
        "result_omitted": True,
        "result_url": "/api/v1/jobs/j-9",
    }
    small = {"job_id": "j-9", "result": {"html": "a"}}
    kept = build_body(event="job.completed", org_id="o", data=small, created_at=MOMENT, job_id="j")
    assert kept["data"] == small


def test_encoding_does_not_depend_on_key_order() -> None:
    assert encode_body({"b": 1, "a": {"d": 2, "c": 3}}) == encode_body(
        {"a": {"c": 3, "d": 2}, "b": 1}
    )


def test_format_timestamp_converts_to_utc() -> None:
    assert format_timestamp(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        ("12", 12.0),
        (" 0 ", 0.0),
        ("301", 300.0),
        ("soon", None),
        ("-5", None),
        ("Tue, 14 Nov 2023 22:13:40 GMT", 20.0),
        ("Tue, 14 Nov 2023 22:00:00 GMT", 0.0),
        ("Wed, 15 Nov 2023 22:13:20 GMT", 300.0),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=1_700_000_000.0) == seconds


@pytest.mark.parametrize(
    ("status", "delivered", "retry"),
    [
        (200, True, False),
        (204, True, False),
        (299, True, False),
        (301, False, False),
        (308, False, False),
        (400, False, False),
        (404, False, False),
        (408, False, True),
        (410, False, False),
        (429, False, True),
        (500, False, True),
        (503, False, True),
    ],
)
def test_classify_response(status: int, delivered: bool, retry: bool) -> None:
    result = classify_response(status, "", None)
    assert (result.delivered, result.retry, result.status_code) == (delivered, retry, status)


def test_retry_after_only_counts_for_429() -> None:
    assert classify_response(429, "", 5.0).retry_after == 5.0
    assert classify_response(503, "", 5.0).retry_after is None
