"""Coercion of page values to schema types: None when a value cannot honestly be converted."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from scrapegate.domain.json_types import JsonValue

NUMBER = re.compile(r"-?\d[\d.,\s]*\d|-?\d")
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW"}
CURRENCY_CODE = re.compile(r"\b(USD|EUR|GBP|JPY|CHF|CAD|AUD|NZD|SEK|NOK|DKK|PLN|INR|CNY|BRL|MXN)\b")
TRUE_WORDS = frozenset(
    {"true", "yes", "y", "1", "on", "in stock", "instock", "available", "in_stock", "remote"}
)
FALSE_WORDS = frozenset(
    {"false", "no", "n", "0", "off", "out of stock", "outofstock", "sold out", "soldout",
     "unavailable", "out_of_stock", "discontinued"}
)  # fmt: skip
DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d.%m.%Y")
DURATION_PART = re.compile(r"(\d+)\s*(h|hr|hrs|hours?|m|min|mins|minutes?|s|sec|secs|seconds?)\b")
ISO_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)


def as_text(value: JsonValue) -> str | None:
    """A string for a scalar; a named object's name; a list's first text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    if isinstance(value, dict):
        for key in ("name", "@value", "text", "url", "@id"):
            if key in value:
                return as_text(value[key])
        return None
    for item in value:
        found = as_text(item)
        if found:
            return found
    return None


def as_number(value: JsonValue) -> float | None:
    """``"$1,299.00"`` -> 1299.0, ``"1.299,00 €"`` -> 1299.0, ``29`` -> 29.0."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = as_text(value)
    if text is None:
        return None
    match = NUMBER.search(text)
    if match is None:
        return None
    raw = re.sub(r"\s", "", match.group(0))
    return _parse_number(raw)


def _parse_number(raw: str) -> float | None:
    dot, comma = raw.rfind("."), raw.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal = "." if dot > comma else ","
        thousands = "," if decimal == "." else "."
        raw = raw.replace(thousands, "").replace(decimal, ".")
    elif comma >= 0:
        # One comma followed by one or two digits is a decimal comma; otherwise thousands.
        head, _, tail = raw.rpartition(",")
        raw = (
            f"{head.replace(',', '')}.{tail}"
            if raw.count(",") == 1 and len(tail) <= 2
            else raw.replace(",", "")
        )
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    try:
        return float(raw)
    except ValueError:
        return None


def as_integer(value: JsonValue) -> int | None:
    number = as_number(value)
    if number is None or number != int(number):
        return None
    return int(number)


def as_boolean(value: JsonValue) -> bool | None:
    if isinstance(value, bool):
        return value
    text = as_text(value)
    if text is None:
        return None
    word = short_word(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def short_word(text: str) -> str:
    """``https://schema.org/InStock`` -> ``instock``; ``In stock`` -> ``in stock``."""
    return text.rstrip("/").rsplit("/", 1)[-1].strip().lower()


def as_url(value: JsonValue, base_url: str) -> str | None:
    text = as_text(value)
    if text is None:
        return None
    url = urljoin(base_url, text)
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def as_datetime(value: JsonValue) -> str | None:
    """ISO 8601 in UTC with ``Z`` when the value has a time; a date stays a date."""
    text = as_text(value)
    if text is None:
        return None
    parsed = _parse_datetime(text)
    if parsed is None:
        only = _parse_date(text)
        return only.isoformat() if only is not None else None
    if parsed.tzinfo is None:
        return parsed.strftime("%Y-%m-%dT%H:%M:%S")
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_date(value: JsonValue) -> str | None:
    text = as_text(value)
    if text is None:
        return None
    parsed = _parse_datetime(text)
    if parsed is not None:
        return parsed.date().isoformat()
    only = _parse_date(text)
    return only.isoformat() if only is not None else None


def _parse_datetime(text: str) -> datetime | None:
    if len(text) <= 10:
        return None  # a date alone
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def as_duration(value: JsonValue) -> str | None:
    """ISO 8601 durations as given; ``1 hour 30 min`` -> ``PT1H30M``."""
    text = as_text(value)
    if text is None:
        return None
    if ISO_DURATION.match(text.upper()):
        return text.upper()
    parts = DURATION_PART.findall(text.lower())
    if not parts:
        return None
    total = {"H": 0, "M": 0, "S": 0}
    for amount, unit in parts:
        total[unit[0].upper()] += int(amount)
    return "PT" + "".join(f"{n}{u}" for u, n in total.items() if n)


def currency_of(text: str | None) -> str | None:
    """The ISO code a price text names or implies by its symbol."""
    if not text:
        return None
    code = CURRENCY_CODE.search(text.upper())
    if code:
        return code.group(1)
    for symbol, name in CURRENCY_SYMBOLS.items():
        if symbol in text:
            return name
    return None
