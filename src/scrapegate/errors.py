"""The one error tree. Each class carries the spec's stable code; HTTP statuses live in api/."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

if TYPE_CHECKING:
    from scrapegate.domain.json_types import JsonObject


class ErrorBody(TypedDict):
    """The JSON body of every error response; ``details`` is free-form context."""

    detail: str
    error: str
    message: str
    details: JsonObject | None


class ScrapegateError(Exception):
    """Base of every error a caller may see. ``detail`` is the human text, ``details`` context."""

    code: ClassVar[str] = "INTERNAL_ERROR"
    refundable: ClassVar[bool] = True

    def __init__(self, detail: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.details = details

    def to_dict(self) -> ErrorBody:
        return ErrorBody(
            detail=self.detail, error=self.code, message=self.detail, details=self.details
        )


class InvalidRequest(ScrapegateError):
    code = "INVALID_REQUEST"

    def __init__(self, detail: str, field: str | None = None, **extra: Any) -> None:
        details: dict[str, Any] | None = None
        if field is not None or extra:
            details = {"field": field, **extra} if field is not None else dict(extra)
        super().__init__(detail, details)


class InvalidURL(InvalidRequest):
    code = "INVALID_URL"


class LLMKeyMissing(InvalidRequest):
    code = "LLM_KEY_MISSING"


class Unauthorized(ScrapegateError):
    code = "UNAUTHORIZED"


class InsufficientBalance(ScrapegateError):
    code = "INSUFFICIENT_BALANCE"


class Forbidden(ScrapegateError):
    code = "FORBIDDEN"


class URLNotAllowed(ScrapegateError):
    code = "URL_NOT_ALLOWED"


class RobotsDisallowed(ScrapegateError):
    code = "ROBOTS_DISALLOWED"


class BlockedByAntibot(ScrapegateError):
    code = "BLOCKED_BY_ANTIBOT"


class ChallengeDetected(ScrapegateError):
    code = "CHALLENGE_DETECTED"


class QuotaExceeded(ScrapegateError):
    code = "QUOTA_EXCEEDED"


class NotFound(ScrapegateError):
    code = "NOT_FOUND"


class JobExpired(ScrapegateError):
    code = "JOB_EXPIRED"


class CacheMiss(ScrapegateError):
    code = "CACHE_MISS"


class MethodNotAllowed(ScrapegateError):
    code = "METHOD_NOT_ALLOWED"


class Conflict(ScrapegateError):
    code = "CONFLICT"


class SessionInvalid(ScrapegateError):
    code = "SESSION_INVALID"


class PayloadTooLarge(ScrapegateError):
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedContentType(ScrapegateError):
    code = "UNSUPPORTED_CONTENT_TYPE"


class AllTiersFailed(ScrapegateError):
    code = "ALL_TIERS_FAILED"


class ExtractionFailed(ScrapegateError):
    code = "EXTRACTION_FAILED"


class RateLimited(ScrapegateError):
    code = "RATE_LIMITED"

    def __init__(self, detail: str, retry_after: int, details: dict[str, Any] | None = None):
        super().__init__(detail, details)
        self.retry_after = retry_after


class ConcurrencyLimited(RateLimited):
    code = "CONCURRENCY_LIMITED"


class SpendLimitExceeded(ScrapegateError):
    code = "SPEND_LIMIT_EXCEEDED"


class InternalError(ScrapegateError):
    code = "INTERNAL_ERROR"


class FeatureUnavailable(ScrapegateError):
    code = "FEATURE_UNAVAILABLE"

    def __init__(self, detail: str, feature: str) -> None:
        super().__init__(detail, {"feature": feature})


class UpstreamError(ScrapegateError):
    code = "UPSTREAM_ERROR"

    def __init__(self, detail: str, cause: str, **extra: Any) -> None:
        super().__init__(detail, {"cause": cause, **extra})
        self.cause = cause


class ServiceUnavailable(ScrapegateError):
    code = "SERVICE_UNAVAILABLE"


class Timeout(ScrapegateError):
    code = "TIMEOUT"


class Cancelled(ScrapegateError):
    code = "CANCELLED"


def _all_error_classes(base: type[ScrapegateError]) -> list[type[ScrapegateError]]:
    found = [base]
    for sub in base.__subclasses__():
        found.extend(_all_error_classes(sub))
    return found


def error_from_code(code: str, detail: str, details: dict[str, Any] | None) -> ScrapegateError:
    """Rebuild an error stored with a job (code, detail, details) so a sync request can raise it."""
    cls = next((c for c in _all_error_classes(ScrapegateError) if c.code == code), InternalError)
    error = cls.__new__(cls)
    ScrapegateError.__init__(error, detail, details)
    if isinstance(error, RateLimited):
        error.retry_after = int((details or {}).get("retry_after", 1))
    return error
