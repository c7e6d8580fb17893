"""Imported articles name their outlet however their file does ('foxnews.com', 'Fox News', 'fox-news', a
URL); this maps each to a registry outlet (flows/sources/sources.toml) by domain, name or slug, so its
name and lean prior show in every mart. An outlet the registry does not know gets its own outlet row,
named after its domain (or the name given), with the lean prior the ratings file has for it, if any.

An outlet name given in the record is the outlet's identity: a name the registry does not know becomes an
outlet of that name (its slug as id), never the registry outlet or the unknown outlet that its URL's host
points at, since one host carries many outlets (a syndication host, a local server). The URL's host names
the outlet only when the record names none. An outlet already stored is never renamed by an import."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flows.sources.ratings import Ratings, RatingsError, domain_key, name_key
from flows.sources.registry import Outlet, load_sources

log = logging.getLogger(__name__)

_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
_SLUG = re.compile(r"[^a-z0-9]+")


def _looks_like_domain(value: str) -> bool:
    return bool(_DOMAIN.match(domain_key(value)))


def _slug(value: str) -> str:
    return _SLUG.sub("-", value.casefold()).strip("-") or "unknown"


@dataclass(frozen=True)
class OutletMatch:
    outlet_id: str
    row: dict[str, Any] | None  # a new outlets row to store (None: a registry or stored outlet)
    matched_on: str  # slug | stored | domain | name | url | new


class OutletResolver:
    """Registry outlets by slug, domain (and their feeds' hosts) and name; unknown ones as new rows."""

    def __init__(
        self, outlets: list[Outlet], ratings: Ratings | None = None, stored: set[str] | None = None
    ) -> None:
        self.ratings = ratings
        self.stored = stored or set()  # outlet ids the warehouse has already (kept as they are)
        self.by_slug = {o.outlet_id: o for o in outlets}
        self.by_domain: dict[str, Outlet] = {}
        self.by_name: dict[str, Outlet] = {}
        for o in outlets:
            self.by_domain.setdefault(domain_key(o.domain), o)
            for feed in o.feeds:
                host = urlsplit(feed.url).hostname
                if host:
                    self.by_domain.setdefault(domain_key(host), o)
            self.by_name.setdefault(name_key(o.name), o)
        self.new: dict[str, dict[str, Any]] = {}

    @classmethod
    def load(
        cls, sources: Path | None, ratings_file: Path | None, stored: set[str] | None = None
    ) -> OutletResolver:
        outlets = load_sources(sources) if sources is not None and Path(sources).exists() else []
        ratings = None
        if ratings_file is not None and Path(ratings_file).exists():
            try:
                ratings = Ratings.load(ratings_file)
            except RatingsError as exc:
                log.warning("outlet leans for imports unavailable: %s", exc)
        return cls(outlets, ratings, stored)

    def _domain_match(self, domain: str) -> Outlet | None:
        key = domain_key(domain)
        while key and "." in key:  # news.example.com -> example.com
            if key in self.by_domain:
                return self.by_domain[key]
            key = key.split(".", 1)[1]
        return None

    def resolve(self, given: str | None, url: str | None = None) -> OutletMatch:
        """The outlet of one imported record from its outlet field (`given`) and its URL."""
        value = (given or "").strip()
        if value in self.by_slug:
            return OutletMatch(value, None, "slug")
        if value in self.stored:
            return OutletMatch(value, None, "stored")
        if value and _looks_like_domain(value) and (o := self._domain_match(value)):
            return OutletMatch(o.outlet_id, None, "domain")
        if value and (o := self.by_name.get(name_key(value))):
            return OutletMatch(o.outlet_id, None, "name")
        host = urlsplit(url).hostname if url else None
        named = bool(value) and domain_key(value) != domain_key(host or "")  # not just the URL's host
        if not named and host and (o := self._domain_match(host)):
            return OutletMatch(o.outlet_id, None, "url")
        return self._new(value, host)

    def _new(self, value: str, host: str | None) -> OutletMatch:
        if value and not _looks_like_domain(value) and domain_key(value) != domain_key(host or ""):
            domain, name = "", value  # a name: the outlet is that name, whatever host its URLs are on
        else:
            domain = domain_key(value) if value and _looks_like_domain(value) else domain_key(host or "")
            name = value if value and not _looks_like_domain(value) else (domain or "unknown")
        outlet_id = domain or _slug(name)
        if outlet_id in self.stored:
            return OutletMatch(outlet_id, None, "stored")  # kept as stored: never renamed
        if outlet_id not in self.new:
            lean = lean_source = None
            if self.ratings is not None:
                rating = self.ratings.lean_for(Outlet(outlet_id, name, domain or ""))
                if rating is not None:
                    lean, lean_source = rating.lean, rating.source
            self.new[outlet_id] = {
                "outlet_id": outlet_id,
                "name": name,
                "domain": domain or None,
                "kind": "imported",
                "lean_prior": lean,
                "lean_source": lean_source,
            }
        return OutletMatch(outlet_id, self.new[outlet_id], "new")

    def registry_rows(self, outlet_ids: set[str]) -> list[dict[str, Any]]:
        """Outlets rows of the registry outlets among `outlet_ids` (names and lean priors)."""
        return [self.by_slug[o].row() for o in sorted(outlet_ids) if o in self.by_slug]
