"""Sources: outlets and their feeds, read from a TOML file and validated."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEANS = ("left", "center", "right")
FEED_KINDS = ("rss", "atom", "sitemap")


class SourceError(ValueError):
    """A sources file entry that cannot be used."""


@dataclass(frozen=True)
class Feed:
    url: str
    outlet_id: str
    kind: str = "rss"


@dataclass(frozen=True)
class Outlet:
    outlet_id: str
    name: str
    domain: str
    country: str | None = None
    kind: str | None = None
    lean_prior: str | None = None
    lean_source: str | None = None
    feeds: tuple[Feed, ...] = field(default_factory=tuple)

    def row(self) -> dict[str, Any]:
        return {
            "outlet_id": self.outlet_id,
            "name": self.name,
            "domain": self.domain,
            "country": self.country,
            "kind": self.kind,
            "lean_prior": self.lean_prior,
            "lean_source": self.lean_source,
        }


def outlet_from_dict(data: dict[str, Any], where: str) -> Outlet:
    for key in ("slug", "name", "domain"):
        if not data.get(key):
            raise SourceError(f"{where}: outlet entry lacks `{key}`: {data!r}")
    slug = data["slug"]
    lean = data.get("lean")
    if lean is not None and lean not in LEANS:
        raise SourceError(f"{where}: outlet {slug!r} has lean {lean!r}; use one of {', '.join(LEANS)}")
    feeds = []
    for url in data.get("feeds", []):
        feeds.append(Feed(url=url, outlet_id=slug, kind="rss"))
    for url in data.get("sitemaps", []):
        feeds.append(Feed(url=url, outlet_id=slug, kind="sitemap"))
    for feed in feeds:
        if not feed.url.startswith(("http://", "https://")):
            raise SourceError(f"{where}: outlet {slug!r} has a feed that is not an http(s) URL: {feed.url!r}")
    return Outlet(
        outlet_id=slug,
        name=data["name"],
        domain=data["domain"],
        country=data.get("country"),
        kind=data.get("kind"),
        lean_prior=lean,
        lean_source=data.get("lean_source"),
        feeds=tuple(feeds),
    )


def load_sources(path: Path) -> list[Outlet]:
    """Outlets from a sources TOML (`[[outlet]]` tables with slug, name, domain, feeds, ...)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourceError(f"no sources file at {path}; pass --sources FILE") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path} is not valid TOML: {exc}") from exc
    outlets = [outlet_from_dict(o, str(path)) for o in data.get("outlet", [])]
    slugs = [o.outlet_id for o in outlets]
    dupes = sorted({s for s in slugs if slugs.count(s) > 1})
    if dupes:
        raise SourceError(f"{path}: outlet slugs used twice: {', '.join(dupes)}")
    return outlets
