"""`framewatch demo`: serve the bundled demo corpus on 127.0.0.1, run the monitoring flow over it
(plus the two seed articles when ../shared/seeds is present), then show the outlet comparison."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.demo_site import DemoSite
from flows.outcome import RunOutcome
from flows.sources.registry import Outlet
from flows.sources.settings import FetchSettings

if TYPE_CHECKING:
    from flows.params import RunnerParams

log = logging.getLogger(__name__)

DEMO_PORT = 8765
# The seed articles (see ../shared/seeds/README.md): one outlet known to outlet_ratings, one blog.
SEED_OUTLETS = {
    "000_d9d7385d39cd4705": {
        "slug": "foxnews.com",
        "name": "Fox News",
        "domain": "foxnews.com",
        "kind": "tv network",
        "country": "US",
        "lean": "right",
        "lean_source": "AllSides 2019 (outlet_ratings.parquet)",
    },
    "004_4c4af3e25f1da198": {
        "slug": "seed-blog",
        "name": "Seed blog post",
        "domain": "seed-blog.example",
        "kind": "blog",
        "country": "US",
    },
}
SEED_DATES = {"000_d9d7385d39cd4705": "2025-01-20", "004_4c4af3e25f1da198": "2025-07-08"}


def seed_candidates() -> list[Path]:
    """Where the shared seeds folder is looked for: beside FRAMEWATCH_DATA_DIR, then ../shared/seeds next
    to the repo."""
    data_dir = os.environ.get("FRAMEWATCH_DATA_DIR")
    candidates = [Path(data_dir).parent / "seeds"] if data_dir else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "seeds")
    return candidates


def seeds_dir() -> Path | None:
    """The shared seeds folder (the first of seed_candidates() that exists), else None."""
    return next((p for p in seed_candidates() if p.is_dir()), None)


def seeds_note() -> str:
    """One line for the demo's output: whether the two seed articles join the demo, and from where."""
    seeds = seeds_dir()
    if seeds is not None:
        return f"With the two seed articles from {seeds}."
    looked = " or ".join(str(p) for p in seed_candidates())
    return (
        f"The seed articles were not found (looked in {looked}): the demo runs on its 8 outlets only. "
        "Set FRAMEWATCH_DATA_DIR to the shared data folder (its seeds/ sits beside it) to add them."
    )


def _toml_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def write_sources(outlets: list[Outlet], extra: list[dict[str, Any]], path: Path) -> Path:
    """A sources TOML the flow can read (and `framewatch sources validate` accepts): the demo site's outlets
    and feeds, plus extra outlets."""
    lines = ['version = "1"', ""]
    for o in outlets:
        entry = {
            "slug": o.outlet_id,
            "name": o.name,
            "domain": o.domain,
            "country": o.country,
            "kind": o.kind,
            "lean": o.lean_prior,
            "lean_source": o.lean_source,
            "feeds": [f.url for f in o.feeds],
        }
        lines.append("[[outlet]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in entry.items() if v is not None]
        lines.append("")
    for data in extra:
        lines.append("[[outlet]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in data.items() if v is not None]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_seed_import(seeds: Path, path: Path) -> Path:
    """The seed articles as a JSONL import file (kept in the run's home, never in the repo)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for stem, outlet in SEED_OUTLETS.items():
            file = seeds / f"{stem}.txt"
            if not file.exists():
                continue
            text = file.read_text(encoding="utf-8").strip()
            title = text.splitlines()[0].strip()
            record = {
                "id": stem,
                "outlet": outlet["slug"],
                "title": title,
                "text": text,
                "published": SEED_DATES[stem],
                "language": "en",
            }
            fh.write(json.dumps(record) + "\n")
    return path


def demo_fetch_settings() -> FetchSettings:
    """Politeness off for our own loopback server only; quick retries so faults don't stall the demo."""
    return FetchSettings(
        polite_hosts_exempt=["127.0.0.1"],
        per_host_delay_s=0.0,
        per_host_concurrency=8,
        backoff_s=0.2,
        max_retries=1,
        total_timeout_s=10.0,
        connect_timeout_s=2.0,
    )


def run_demo(
    db_path: Path,
    home: Path,
    port: int = DEMO_PORT,
    runner: RunnerParams | None = None,
    ready: Callable[[], None] | None = None,
) -> RunOutcome:
    """Serve the demo corpus and run the monitor flow over it; `ready` (when given) is called just before
    the flow starts (the CLI waits there for the Prefect API it started in the background)."""
    from flows.monitor import monitor_flow  # imports Prefect: after configure_runtime
    from flows.params import CollectParams

    try:
        site = DemoSite(port=port)
    except OSError:
        log.warning("port %d is busy; serving the demo on a free port (content hashes still dedupe)", port)
        site = DemoSite(port=0)
    with site:
        extra, imports = [], []
        seeds = seeds_dir()
        if seeds is not None:
            extra = list(SEED_OUTLETS.values())
            imports = [str(write_seed_import(seeds, home / "demo_seeds.jsonl"))]
        sources = write_sources(site.outlets(), extra, home / "demo_sources.toml")
        if ready is not None:
            ready()
        return monitor_flow(
            db_path=str(db_path),
            collect=CollectParams(
                sources_path=str(sources), import_paths=imports, fetch=demo_fetch_settings()
            ),
            runner=runner,
        )
