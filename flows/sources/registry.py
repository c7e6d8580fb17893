"""Sources: outlets and their feeds, read from a versioned TOML file and validated.

schema = 1
version = "2026.11.1"          # bump on every change to outlets or feeds
[[outlet]]
slug = "apnews.com"            # stable id; the registrable domain by convention
name = "Associated Press"
domain = "apnews.com"
country = "US"                 # ISO 3166-1 alpha-2
kind = "wire service"          # one of KINDS
lean = "center"                # left | center | right, optional; filled by `sources validate --ratings`
lean_source = "..."            # required with lean: where the prior comes from
feeds = ["https://..."]        # RSS 0.9x/1.0/2.0 or Atom
sitemaps = ["https://..."]     # news sitemaps or sitemap indexes
notes = "..."                  # free text (the writer keeps this, not comments)
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LEANS = ("left", "center", "right")
KINDS = (
    "wire service",
    "national paper",
    "tv network",
    "radio",
    "magazine",
    "partisan site",
    "local paper",
    "blog",
    "digital native",
)
SCHEMA = 1
OUTLET_KEYS = (
    "slug",
    "name",
    "domain",
    "country",
    "kind",
    "lean",
    "lean_source",
    "feeds",
    "sitemaps",
    "notes",
)
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$")  # ends up in ids, file names, URLs
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
OUTLET_COLUMNS = ("outlet_id", "name", "domain", "country", "kind", "lean_prior", "lean_source")


class SourceError(ValueError):
    """A sources file entry that cannot be used."""


@dataclass(frozen=True)
class Feed:
    url: str
    outlet_id: str
    kind: str = "rss"

    def row(self) -> dict[str, Any]:
        return {"feed_url": self.url, "outlet_id": self.outlet_id, "kind": self.kind}


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
    notes: str | None = None

    def row(self) -> dict[str, Any]:
        """The warehouse's `outlets` row (feeds have their own rows, notes stay in the sources file)."""
        return {name: getattr(self, name) for name in OUTLET_COLUMNS}

    def to_dict(self) -> dict[str, Any]:
        """The TOML entry for this outlet, keys in canonical order, empty ones left out."""
        data = {
            "slug": self.outlet_id,
            "name": self.name,
            "domain": self.domain,
            "country": self.country,
            "kind": self.kind,
            "lean": self.lean_prior,
            "lean_source": self.lean_source,
            "feeds": [f.url for f in self.feeds if f.kind != "sitemap"],
            "sitemaps": [f.url for f in self.feeds if f.kind == "sitemap"],
            "notes": self.notes,
        }
        return {k: v for k, v in data.items() if v not in (None, [], "")}

    def with_lean(self, lean: str | None, source: str | None) -> Outlet:
        return replace(self, lean_prior=lean, lean_source=source)


@dataclass(frozen=True)
class Registry:
    outlets: list[Outlet]
    version: str | None = None
    updated: str | None = None
    schema: int = SCHEMA

    @property
    def feeds(self) -> list[Feed]:
        return [f for o in self.outlets for f in o.feeds]


def _typed(data: dict[str, Any], key: str, kind: type, where: str, slug: Any) -> Any:
    """data[key] when it is a `kind` (or absent); SourceError naming the key and the type otherwise."""
    value = data.get(key)
    if value is None or isinstance(value, kind):
        return value
    names: dict[type, str] = {str: "a string", list: "a list of URLs"}
    raise SourceError(
        f"{where}: outlet {slug!r}: `{key}` must be {names.get(kind, kind.__name__)}, "
        f"not {type(value).__name__} ({value!r:.60})"
    )


def outlet_from_dict(data: Any, where: str) -> Outlet:
    if not isinstance(data, dict):
        raise SourceError(
            f"{where}: each outlet must be an [[outlet]] table, found {type(data).__name__} ({data!r:.60})"
        )
    slug = data.get("slug")
    for key in ("slug", "name", "domain", "country", "kind", "lean", "lean_source", "notes"):
        _typed(data, key, str, where, slug)
    for key in ("feeds", "sitemaps"):
        _typed(data, key, list, where, slug)
    for key in ("slug", "name", "domain"):
        if not data.get(key):
            raise SourceError(f"{where}: outlet entry lacks `{key}`: {data!r:.200}")
    assert isinstance(slug, str)  # checked above: a string, not empty
    if not _SLUG.match(slug) or ".." in slug:
        raise SourceError(
            f"{where}: outlet slug {slug!r} is not a plain id: use lower-case letters, digits, '.', '-' and "
            "'_' (by convention the outlet's domain, e.g. 'apnews.com')"
        )
    lean = data.get("lean")
    if lean is not None and lean not in LEANS:
        raise SourceError(f"{where}: outlet {slug!r} has lean {lean!r}; use one of {', '.join(LEANS)}")
    feeds = []
    for url in data.get("feeds", []):
        feeds.append(Feed(url=url, outlet_id=slug, kind="rss"))
    for url in data.get("sitemaps", []):
        feeds.append(Feed(url=url, outlet_id=slug, kind="sitemap"))
    for feed in feeds:
        if not isinstance(feed.url, str) or not feed.url.startswith(("http://", "https://")):
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
        notes=data.get("notes"),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(f"no sources file at {path}; pass --sources FILE") from exc
    except OSError as exc:
        raise SourceError(f"cannot read the sources file {path} ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"{path} is not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); TOML files must be UTF-8: "
            "save it as UTF-8"
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path} is not valid TOML: {exc}") from exc


def load_registry(path: Path) -> Registry:
    """The whole registry: version, outlets and their feeds. Raises SourceError on unusable entries."""
    data = _read_toml(path)
    entries = data.get("outlet", [])
    if not isinstance(entries, list):
        raise SourceError(
            f"{path}: `outlet` must be a list of [[outlet]] tables, not {type(entries).__name__}"
        )
    outlets = [outlet_from_dict(o, str(path)) for o in entries]
    slugs = [o.outlet_id for o in outlets]
    dupes = sorted({s for s in slugs if slugs.count(s) > 1})
    if dupes:
        raise SourceError(f"{path}: outlet slugs used twice: {', '.join(dupes)}")
    schema = data.get("schema", SCHEMA)
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise SourceError(f"{path}: `schema` must be an integer (schema = {SCHEMA}), not {schema!r}")
    for key in ("version", "updated"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise SourceError(
                f'{path}: `{key}` must be a string, e.g. {key} = "2026.11.1", not {data[key]!r}'
            )
    return Registry(outlets, data.get("version"), data.get("updated"), schema)


def load_sources(path: Path) -> list[Outlet]:
    """Outlets from a sources TOML (`[[outlet]]` tables with slug, name, domain, feeds, ...)."""
    return load_registry(path).outlets


def _host_matches(url: str, domain: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == domain or host.endswith("." + domain)


def check_registry(path: Path) -> tuple[list[str], list[str]]:
    """(errors, warnings) for a registry file: everything `load_registry` refuses, plus unknown keys,
    kinds, countries, domains, leans without a source, feeds listed twice, feeds on other hosts."""
    try:
        registry = load_registry(path)
    except SourceError as exc:
        return [str(exc)], []
    errors: list[str] = []
    warnings: list[str] = []
    raw = _read_toml(path)
    if not registry.version:
        errors.append(f'{path}: no top-level `version`; add e.g. version = "2026.1.0" and bump it on changes')
    for entry in raw.get("outlet", []):
        unknown = sorted(set(entry) - set(OUTLET_KEYS))
        if unknown:
            errors.append(
                f"outlet {entry.get('slug')!r}: unknown keys {unknown}; allowed: {', '.join(OUTLET_KEYS)}"
            )
    seen_feeds: dict[str, str] = {}
    for o in registry.outlets:
        where = f"outlet {o.outlet_id!r}"
        if not _DOMAIN.match(o.domain):
            errors.append(
                f"{where}: domain {o.domain!r} is not a bare lower-case host name like 'example.com'"
            )
        if o.country is None or not _COUNTRY.match(o.country):
            errors.append(f"{where}: country {o.country!r} should be an ISO 3166-1 alpha-2 code like 'US'")
        if o.kind not in KINDS:
            errors.append(f"{where}: kind {o.kind!r}; use one of {', '.join(KINDS)}")
        if o.lean_prior and not o.lean_source:
            errors.append(f"{where}: has lean {o.lean_prior!r} but no lean_source; name where it comes from")
        if not o.feeds:
            warnings.append(
                f"{where}: no feeds and no sitemaps: nothing is collected from it (fine for an outlet known "
                "only through imports)"
            )
        for feed in o.feeds:
            if feed.url in seen_feeds:
                errors.append(f"{where}: feed {feed.url} is also listed under {seen_feeds[feed.url]!r}")
            seen_feeds[feed.url] = o.outlet_id
            if not _host_matches(feed.url, o.domain):
                warnings.append(
                    f"{where}: feed {feed.url} is not on {o.domain} (fine for feed hosts like feeds.*)"
                )
    return errors, warnings


def bump_version(version: str | None) -> str:
    """The next registry version: the last numeric part plus one ('2026.11.0' -> '2026.11.1')."""
    if not version:
        return "1"
    parts = version.split(".")
    if parts[-1].isdigit():
        parts[-1] = str(int(parts[-1]) + 1)
        return ".".join(parts)
    return version + ".1"


def _toml_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + "".join(f"    {_toml_value(v)},\n" for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


HEADER = """\
# framewatch source registry: outlets, their feeds and news sitemaps, and a lean prior per outlet.
# Versioned: bump `version` on every change. Edit by hand or with `framewatch sources add`;
# `framewatch sources validate` checks it, `--ratings FILE --write` fills lean/lean_source from the
# outlet ratings table and rewrites this file in canonical form (keep remarks in `notes`, not comments).
# Feed URLs are the publishers' public feeds; `framewatch sources validate --online` fetches each once.
"""


def dump_registry(registry: Registry) -> str:
    lines = [HEADER.rstrip("\n"), f"schema = {registry.schema}"]
    if registry.version:
        lines.append(f"version = {_toml_value(registry.version)}")
    if registry.updated:
        lines.append(f"updated = {_toml_value(registry.updated)}")
    lines.append("")
    for outlet in registry.outlets:
        lines.append("[[outlet]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in outlet.to_dict().items()]
        lines.append("")
    return "\n".join(lines)


def write_registry(registry: Registry, path: Path) -> Path:
    text = dump_registry(registry)
    tomllib.loads(text)  # never write a file we could not read back
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
