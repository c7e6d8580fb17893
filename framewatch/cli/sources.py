"""`framewatch sources ...`: the source registry and feed health. Thin: parse options, call library
code (flows.sources.registry / ratings / collect, warehouse.collection), print tables."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from framewatch.cli.console import console, fail, print_table, styled
from framewatch.cli.options import DbOption, SourcesOption, resolve_db, resolve_sources

app = typer.Typer(help="The source registry: outlets, feeds, feed health.", no_args_is_help=True)

RatingsOpt = Annotated[
    Path | None,
    typer.Option("--ratings", help="outlet_ratings.parquet to fill `lean`/`lean_source` from (lean prior)."),
]


def _default_ratings() -> Path | None:
    from classifier.settings import ClassifierSettings

    path = ClassifierSettings().ratings_file
    return path if path.exists() else None


def _print_lean_changes(changes: list) -> None:
    rows = [(c.outlet_id, c.before or "", c.after or "", c.status, c.source or "") for c in changes]
    print_table(["outlet", "lean before", "lean after", "status", "source"], rows, title="lean priors")
    tally: dict[str, int] = {}
    for c in changes:
        tally[c.status] = tally.get(c.status, 0) + 1
    console.print(", ".join(f"{n} {status}" for status, n in sorted(tally.items())))


@app.command("list")
def list_sources(
    sources: SourcesOption = None,
    kind: Annotated[str | None, typer.Option(help="Only outlets of this kind, e.g. 'wire service'.")] = None,
    lean: Annotated[
        str | None, typer.Option(help="Only outlets with this lean prior: left, center, right.")
    ] = None,
) -> None:
    """List the outlets in the registry: kind, country, lean prior, number of feeds and sitemaps."""
    from flows.sources.registry import SourceError, load_registry

    path = resolve_sources(sources)
    try:
        registry = load_registry(path)
    except SourceError as exc:
        fail(str(exc))
    rows = [
        (
            o.outlet_id,
            o.name,
            o.kind or "",
            o.country or "",
            o.lean_prior or "?",
            sum(f.kind != "sitemap" for f in o.feeds),
            sum(f.kind == "sitemap" for f in o.feeds),
        )
        for o in registry.outlets
        if (kind is None or o.kind == kind) and (lean is None or o.lean_prior == lean)
    ]
    print_table(
        ["outlet", "name", "kind", "country", "lean", "feeds", "sitemaps"],
        rows,
        title=f"{path} (version {registry.version})",
    )
    console.print(f"{len(rows)} outlets, {sum(r[5] + r[6] for r in rows)} feeds and sitemaps")


@app.command("validate")
def validate(
    sources: SourcesOption = None,
    ratings: RatingsOpt = None,
    write: Annotated[
        bool, typer.Option("--write", help="With --ratings: write the joined leans back (canonical form).")
    ] = False,
    online: Annotated[
        bool, typer.Option("--online", help="Also fetch every feed once (politely, robots.txt honoured).")
    ] = False,
) -> None:
    """Check the registry (keys, kinds, countries, domains, duplicate feeds, lean sources); optionally
    join lean priors from the outlet ratings table and/or fetch each feed once to see that it parses."""
    from flows.sources.ratings import Ratings, RatingsError, join_leans
    from flows.sources.registry import check_registry, load_registry, write_registry

    path = resolve_sources(sources)
    errors, warnings = check_registry(path)
    for w in warnings:
        console.print(styled(("warning:", "yellow"), " ", w), soft_wrap=True)
    for e in errors:
        console.print(styled(("error:", "bold red"), " ", e), soft_wrap=True)
    if errors:
        fail(f"{len(errors)} problem(s) in {path}; fix them and run `framewatch sources validate` again")
    registry = load_registry(path)
    console.print(
        f"{path}: version {registry.version}, {len(registry.outlets)} outlets, "
        f"{len(registry.feeds)} feeds and sitemaps, no errors"
    )
    if write and ratings is None:
        fail("--write needs --ratings FILE (the outlet ratings table to join lean priors from)")
    if ratings is not None:
        try:
            table = Ratings.load(ratings)
        except RatingsError as exc:
            fail(str(exc))
        outlets, changes = join_leans(registry.outlets, table)
        _print_lean_changes(changes)
        if write and any(c.status in ("filled", "changed") for c in changes):
            from flows.sources.registry import bump_version

            updated = replace(
                registry,
                outlets=outlets,
                version=bump_version(registry.version),
                updated=date.today().isoformat(),
            )
            write_registry(updated, path)
            console.print(f"wrote {path} (version {updated.version})")
    if online:
        _probe(registry.feeds)


def _probe(feeds: list) -> None:
    from flows.sources.collect import pending_items_async

    console.print(f"fetching {len(feeds)} feeds once each (per-host delay and robots.txt apply) ...")
    result, _new = asyncio.run(pending_items_async(feeds, set()))
    rows = [
        (s["outlet_id"], s["feed_url"], s["outcome"], s["http_status"] or "", s["items"], s["reason"] or "")
        for s in sorted(result.feed_status, key=lambda s: (s["outcome"] == "ok", s["outlet_id"]))
    ]
    print_table(["outlet", "feed", "outcome", "status", "items", "reason"], rows, title="feeds, fetched once")
    failed = sum(s["outcome"] == "failed" for s in result.feed_status)
    if failed:
        fail(f"{failed} of {len(feeds)} feeds failed; fix or remove them (see reasons above)")


@app.command("add")
def add(
    name: Annotated[str, typer.Option(help="The outlet's name, e.g. 'The Seattle Times'.")],
    domain: Annotated[str, typer.Option(help="The outlet's bare domain, e.g. 'seattletimes.com'.")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 country code, e.g. 'US'.")],
    kind: Annotated[
        str,
        typer.Option(
            help="wire service, national paper, tv network, radio, magazine, "
            "partisan site, local paper, blog or digital native."
        ),
    ],
    feed: Annotated[list[str] | None, typer.Option(help="An RSS/Atom feed URL (repeat for more).")] = None,
    sitemap: Annotated[list[str] | None, typer.Option(help="A news sitemap URL (repeat for more).")] = None,
    slug: Annotated[str | None, typer.Option(help="Outlet id (default: the domain).")] = None,
    notes: Annotated[str | None, typer.Option(help="Free-text remarks kept with the entry.")] = None,
    replace_existing: Annotated[
        bool, typer.Option("--replace", help="Replace an outlet with the same slug instead of refusing.")
    ] = False,
    sources: SourcesOption = None,
    ratings: RatingsOpt = None,
) -> None:
    """Add an outlet (or replace one with --replace), fill its lean prior from the ratings table when it
    is known there, validate the result, bump the registry version and write the file."""
    from flows.sources.ratings import Ratings, RatingsError, join_leans
    from flows.sources.registry import (
        Registry,
        SourceError,
        bump_version,
        check_registry,
        load_registry,
        outlet_from_dict,
        write_registry,
    )

    path = resolve_sources(sources)
    try:
        registry = load_registry(path) if path.exists() else Registry([], "1", None)
        outlet = outlet_from_dict(
            {
                "slug": slug or domain.lower(),
                "name": name,
                "domain": domain.lower(),
                "country": country.upper(),
                "kind": kind,
                "feeds": feed or [],
                "sitemaps": sitemap or [],
                "notes": notes,
            },
            "--options",
        )
    except SourceError as exc:
        fail(str(exc))
    existing = [o.outlet_id for o in registry.outlets]
    if outlet.outlet_id in existing and not replace_existing:
        fail(f"outlet {outlet.outlet_id!r} is already in {path}; pass --replace to overwrite it")
    ratings = ratings or _default_ratings()
    if ratings is not None:
        try:
            (outlet,), changes = join_leans([outlet], Ratings.load(ratings))
        except RatingsError as exc:
            fail(str(exc))
        _print_lean_changes(changes)
    outlets = [o for o in registry.outlets if o.outlet_id != outlet.outlet_id] + [outlet]
    updated = replace(
        registry, outlets=outlets, version=bump_version(registry.version), updated=date.today().isoformat()
    )
    candidate = path.with_suffix(".candidate.toml")
    write_registry(updated, candidate)
    errors, warnings = check_registry(candidate)
    for w in warnings:
        console.print(styled(("warning:", "yellow"), " ", w), soft_wrap=True)
    if errors:
        candidate.unlink()
        fail("not added: " + "; ".join(errors))
    candidate.replace(path)
    console.print(
        f"added {outlet.outlet_id} ({len(outlet.feeds)} feeds) to {path}, version {updated.version}"
    )


@app.command("health")
def health(
    db: DbOption = None,
    failing: Annotated[
        int, typer.Option(help="Only feeds with at least this many failures in a row (0 = all).")
    ] = 0,
) -> None:
    """Feed health from past runs: last success, failures in a row, last reason, items, new items (7 days)."""
    from framewatch.cli.db import reading
    from warehouse.collection import feed_health

    db_path = resolve_db(db)
    no_history = f"{db_path} has no feed history yet: run `framewatch monitor` once (it adds the tables)"
    with reading(db_path, lambda _exc: no_history) as con:
        columns, rows = feed_health(con, failing)
    shown = ["feed_url", "last_success", "failures_in_a_row", "last_reason", "items_last", "new_items_7d"]
    headers = ["feed", "last success", "fails in a row", "last reason", "items", "new (7d)"]
    table = [
        tuple(
            v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "strftime") else v
            for v in (r[columns.index(c)] for c in shown)
        )
        for r in rows
    ]
    print_table(headers, table, title=f"feed health ({db_path})")
    broken = sum(1 for r in rows if r[columns.index("failures_in_a_row")] >= 3)
    console.print(f"{len(rows)} feeds, {broken} failing 3+ runs in a row")
