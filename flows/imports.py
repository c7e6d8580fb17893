"""Reading bulk files into article rows for the collect flow (and for the quick no-op check of
`framewatch import`): validated records, already-stored ones set aside, each outlet matched to the
registry; and storing the records' own topics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from classifier.settings import ClassifierSettings
from flows.params import CollectParams
from flows.settings import FlowSettings
from flows.sources.bulk import ImportBatch
from flows.sources.outlet_match import OutletResolver
from flows.sources.records import RecordRules
from warehouse import collection, load, topics_store


def read_imports(con: duckdb.DuckDBPyConnection, params: CollectParams, run_id: str) -> ImportBatch:
    """Every record of the bulk files, validated; what is refused is recorded per file and line, and
    records already stored with another text are refused too (stored articles are never overwritten).
    Each record's outlet is matched to the registry (name, lean prior); an unknown one gets its own row."""
    batch = ImportBatch(RecordRules(params.import_outlet, params.fetch.max_bytes), run_id)
    for path in params.import_paths:
        batch.add_file(Path(path))
    stored = collection.stored_hashes(con, [r["article_id"] for r in batch.rows])
    record_ids = [r["record_id"] for r in batch.rows if r.get("record_id")]
    batch.settle_with_stored(stored, collection.stored_record_ids(con, record_ids))
    _match_outlets(con, params, batch.rows)
    return batch


def _match_outlets(con: duckdb.DuckDBPyConnection, params: CollectParams, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    sources = Path(params.sources_path) if params.sources_path else FlowSettings().sources
    stored = collection.outlet_ids(con)
    resolver = OutletResolver.load(sources, ClassifierSettings().ratings_file, stored)
    registry_ids: set[str] = set()
    for row in rows:
        match = resolver.resolve(row["outlet_id"], row.get("url"))
        row["outlet_id"] = match.outlet_id
        if match.matched_on not in ("new", "stored"):
            registry_ids.add(match.outlet_id)
    load.upsert_outlets(con, resolver.registry_rows(registry_ids - stored))
    load.insert_new_outlets(con, list(resolver.new.values()))  # an outlet already stored keeps its name


def store_imported_topics(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], added: list[str]
) -> None:
    """The imported records' own `topic` fields (they win over the taxonomy's guess in the marts)."""
    fresh = set(added)
    topics = [
        (r["article_id"], r["topic"], None) for r in rows if r.get("topic") and r["article_id"] in fresh
    ]
    topics_store.store_topics(con, topics, "import", None)
