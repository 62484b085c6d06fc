"""One way to open the Redis client that the coordination backends (issue 3) share.

Commands retry with exponential backoff on connection errors and timeouts, so a Redis restart
(AOF persistence keeps its data) costs callers a short wait rather than an error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

DEFAULT_PREFIX = "sg:"
CONNECT_TIMEOUT_S = 5.0
COMMAND_TIMEOUT_S = 10.0
HEALTH_CHECK_INTERVAL_S = 30
# With this backoff, 8 retries wait about 5.5 s in all: long enough for a restart to go unseen,
# short enough that a request fails while Redis stays down.
RETRIES = 8
BACKOFF_BASE_S = 0.05
BACKOFF_CAP_S = 1.0

# Errors that mean "the server is unreachable right now", as opposed to a bad command.
REDIS_UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)


def open_redis(url: str) -> Redis:
    """A client for ``url`` (``redis://host:port/db``) answering bytes, not decoded text."""
    retry = Retry(ExponentialBackoff(cap=BACKOFF_CAP_S, base=BACKOFF_BASE_S), RETRIES)
    # A refused connection while the server restarts surfaces as a bare OSError.
    retry.update_supported_errors([OSError])
    client: Redis = Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=COMMAND_TIMEOUT_S,
        socket_keepalive=True,
        health_check_interval=HEALTH_CHECK_INTERVAL_S,
        retry=retry,
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    return client


async def scan_keys(client: Redis, pattern: str) -> AsyncIterator[bytes]:
    """Keys matching ``pattern`` without blocking the server (SCAN, not KEYS)."""
    async for key in client.scan_iter(match=pattern, count=500):
        yield key


async def delete_prefixed(client: Redis, prefix: str) -> int:
    """Remove every key under ``prefix`` (tests and ``scrapegate`` maintenance)."""
    deleted = 0
    batch: list[bytes] = []
    async for key in scan_keys(client, f"{escape_glob(prefix)}*"):
        batch.append(key)
        if len(batch) >= 500:
            deleted += await client.delete(*batch)
            batch.clear()
    if batch:
        deleted += await client.delete(*batch)
    return deleted


def escape_glob(text: str) -> str:
    """``text`` as a literal in a Redis glob pattern."""
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)
