"""The quick answer of `framewatch import` when there is nothing to do: every record of the files is
already stored with the same text, nothing is refused, no stored article waits for the promoted model, and
the last report shows the warehouse as it is. Then no flow (and no Prefect server) is started; the run is
still recorded in `runs` (flow 'import') with the same counts a flow run would record. Anything else goes
through the monitor flow. Either way, runs a killed process left 'running' are marked 'interrupted' first,
and the temporary snapshot copies it left are removed; a report it did not finish is due, so the flow
refreshes the marts and the snapshot."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from classifier import registry
from flows.imports import read_imports
from flows.outcome import RunOutcome
from flows.params import CollectParams, ReportParams
from flows.report_state import report_due, snapshot_target
from warehouse import load
from warehouse.db import open_db
from warehouse.snapshot import remove_stale_copies

QUICK_MAX_BYTES = 50_000_000  # bigger imports are read once, by the flow


def settled_import(db_path: Path | str, params: CollectParams) -> RunOutcome | None:
    """The recorded outcome of an import with nothing to store or score, or None when it needs a flow."""
    files = [Path(p) for p in params.import_paths]
    if not Path(db_path).exists() or any(p.is_dir() or not p.exists() for p in files):
        return None
    if sum(p.stat().st_size for p in files) > QUICK_MAX_BYTES:
        return None
    started = time.monotonic()
    run_id = str(uuid.uuid4())
    with open_db(db_path) as con:
        load.mark_interrupted_runs(con, run_id)
        remove_stale_copies(snapshot_target(str(db_path), ReportParams()).parent)
        batch = read_imports(con, params, run_id)
        if batch.rows or batch.errors:
            return None
        try:
            version = registry.promoted_version()
        except registry.RegistryError:
            return None
        if load.has_unscored(con, version) or report_due(con, str(db_path), ReportParams()) is not None:
            return None
        counts: dict[str, Any] = {**batch.counts(), "articles_new": 0, "scored": 0, "model_version": version}
        counts["duration_s"] = round(time.monotonic() - started, 2)
        load.start_run(con, run_id, "import", {"import_paths": params.import_paths, **load.run_owner()})
        load.finish_run(con, run_id, "completed", counts, [])
    return {"run_id": run_id, "counts": counts, "errors": []}
