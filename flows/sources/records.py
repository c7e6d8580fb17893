"""Typed validation of one imported record: the article row it becomes, or a RecordError with the reason.

Strings must be strings (a number or an object as `text` is refused, not stored as its string form),
a missing value (None, NaN, NaT, empty) is missing, dates are parsed in the common formats or refused
with the reason (an ambiguous 05/11/2026 or an impossible 9999-12-31 too), and a text over the size cap
of fetched pages is refused."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from flows.sources.urls import UrlError, article_id, normalize_url
from warehouse.content import content_hash

EARLIEST = date(1900, 1, 1)
FUTURE_SLACK = timedelta(days=1)  # time zones: "today" somewhere is tomorrow here
_NUMERIC_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_NUMERIC_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_EPOCH = re.compile(r"^-?\d{9,13}(\.\d+)?$")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_NAMED_FORMATS = ("%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%b %Y %d", "%Y %b %d", "%Y %B %d")
ACCEPTED = "YYYY-MM-DD (also ISO date-times, RFC 2822, 'Nov 20, 2026', '20 November 2026', " + (
    "20/11/2026 when the day is over 12, and Unix epoch seconds)"
)


class RecordError(ValueError):
    """Why one record was refused; `reason` is a short code for run_errors, str(self) the detail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return type(value).__name__ in ("NaTType", "NAType")


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def text_field(rec: dict[str, Any], name: str, required: bool = False) -> str | None:
    """A string field, stripped; None when missing. Anything else than a string is a RecordError."""
    value = rec.get(name)
    if is_missing(value):
        if required:
            raise RecordError(f"no_{name}", f"no `{name}`: every record needs a non-empty `{name}` string")
        return None
    if not isinstance(value, str):
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise RecordError(
            f"bad_{name}",
            f"`{name}` must be a string, got {_type_name(value)} ({shown}); quote it in the file",
        )
    return value.strip() or None


def _check_range(day: date, raw: Any, today: date) -> date:
    if day < EARLIEST:
        raise RecordError("bad_date", f"published {raw!r} is before {EARLIEST}: not a news date")
    if day > today + FUTURE_SLACK:
        raise RecordError("bad_date", f"published {raw!r} is in the future (today is {today})")
    return day


def _from_epoch(number: float, raw: Any) -> date:
    seconds = number / 1000 if abs(number) >= 1e11 else number  # milliseconds past ~year 5000 in seconds
    try:
        return datetime.fromtimestamp(seconds, UTC).date()
    except (OverflowError, OSError, ValueError) as exc:
        raise RecordError("bad_date", f"published {raw!r} is not a usable Unix time ({exc})") from exc


def _numeric(text: str) -> date | None:
    match = _NUMERIC_YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    match = _NUMERIC_DMY.match(text)
    if not match:
        return None
    first, second, year = (int(g) for g in match.groups())
    if first > 12 or first == second:
        return date(year, second, first)  # day first: 20/11/2026
    if second > 12:
        return date(year, first, second)  # month first: 11/20/2026
    raise RecordError(
        "ambiguous_date",
        f"published {text!r} could be {first} {date(2000, second, 1):%B} or {date(2000, first, 1):%B} "
        f"{second}: write it as YYYY-MM-DD",
    )


def _named(text: str) -> date | None:
    cleaned = _ORDINAL.sub("", _WEEKDAY.sub("", text)).replace(",", " ")
    cleaned = " ".join(cleaned.replace(".", " ").split())
    for fmt in _NAMED_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def parse_published(value: Any, today: date | None = None) -> date | None:
    """The publication date of `value` (str, date, datetime, Unix time), None when missing; a
    RecordError with the reason when it cannot be read or cannot be a publication date."""
    today = today or datetime.now(UTC).date()
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise RecordError("bad_date", f"published {value!r} is a boolean, not a date")
    if isinstance(value, datetime):
        return _check_range(value.date(), value, today)
    if isinstance(value, date):
        return _check_range(value, value, today)
    if isinstance(value, int | float):
        return _check_range(_from_epoch(float(value), value), value, today)
    if not isinstance(value, str):
        raise RecordError("bad_date", f"published must be a date string, got {_type_name(value)}")
    text = value.strip()
    day: date | None
    try:
        if _EPOCH.match(text):
            day = _from_epoch(float(text), value)
        elif _ISO.match(text):
            day = datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text).date()
        else:
            day = _numeric(text) or _named(text)
            if day is None:
                try:
                    day = parsedate_to_datetime(text).date()  # RFC 2822, as in RSS
                except (TypeError, ValueError, IndexError):
                    day = None
    except RecordError:
        raise
    except ValueError as exc:  # 2026-02-30, 31/04/2026: the right shape, not a real day
        raise RecordError("bad_date", f"published {value!r} is not a real date ({exc})") from exc
    if day is None:
        raise RecordError("bad_date", f"published {value!r} is not a date format we read; use {ACCEPTED}")
    return _check_range(day, value, today)


@dataclass(frozen=True)
class RecordRules:
    """What a record must satisfy: the outlet for records without one, and the text size cap (bytes;
    the same as FetchSettings.max_bytes for fetched pages)."""

    outlet_id: str | None = None
    max_text_bytes: int = 5_000_000


def _record_id(rec: dict[str, Any]) -> str | None:
    value = rec.get("id")
    if is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RecordError("bad_id", f"`id` must be a string or an integer, got {_type_name(value)}")
    return str(value).strip()


def _topic(rec: dict[str, Any]) -> str | None:
    """The record's own `topic` (kept as given, lower-cased: 'Immigration' and 'immigration' are one)."""
    value = text_field(rec, "topic")
    return " ".join(value.casefold().split()) if value else None


def record_to_row(
    rec: Any, rules: RecordRules, source: str, run_id: str | None, today: date | None = None
) -> dict[str, Any]:
    """An article row from one imported record; raises RecordError with the reason."""
    if not isinstance(rec, dict):
        raise RecordError(
            "not_an_object", f"not a JSON object but {_type_name(rec)}: each line must be {{...}}"
        )
    text = text_field(rec, "text", required=True)
    assert text is not None
    size = len(text.encode("utf-8"))
    if size > rules.max_text_bytes:
        raise RecordError(
            "too_large",
            f"`text` is {size:,} bytes, over the {rules.max_text_bytes:,}-byte cap that fetched pages "
            "have too (FRAMEWATCH_FETCH_MAX_BYTES); split or trim the text",
        )
    url = text_field(rec, "url") or ""
    outlet = rules.outlet_id
    if not outlet:
        for key in ("outlet_id", "outlet_domain", "outlet"):
            outlet = text_field(rec, key)
            if outlet:
                break
    if not outlet and url:
        outlet = urlsplit(url).hostname  # the registry match (flows.sources.outlet_match) names it
    if not outlet:
        raise RecordError(
            "no_outlet", "no outlet: give the record an `outlet` field or a `url`, or pass --outlet"
        )
    title = text_field(rec, "title") or ""
    published = parse_published(rec.get("published"), today)
    if url:
        try:
            normalized, aid = normalize_url(url), article_id(url)
        except UrlError as exc:
            raise RecordError("bad_url", str(exc)) from exc
        record_id = None
    else:  # no URL: a stable id from where the record came from and its own id or text
        record_id = _record_id(rec)
        key = f"import:{source}:{record_id or content_hash(text)}"
        normalized, aid = key, hashlib.sha256(key.encode()).hexdigest()[:16]
    return {
        "record_id": record_id,  # the record's own `id` (no URL): one article, whichever file gives it
        "article_id": aid,
        "outlet_id": outlet,
        "url": url or normalized,
        "canonical_url": None,
        "normalized_url": normalized,
        "feed_url": None,
        "title": title,
        "byline": text_field(rec, "byline"),
        "published": published,
        "language": text_field(rec, "language"),
        "text": text,
        "content_hash": content_hash(text),
        "raw_html_z": None,
        "extractor": "import",
        "extractor_version": None,
        "first_run_id": run_id,
        "fetched_at": datetime.now(UTC).replace(tzinfo=None),
        "topic": _topic(rec),
    }
