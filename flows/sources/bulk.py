"""Bulk import: articles from JSONL / CSV / Parquet files (shared schema or url,title,text,...), plain
.txt files (first line = title), and Hugging Face `datasets` datasets saved on disk (`save_to_disk`
folders; every split of a DatasetDict). Bad rows are reported with file and line, never stored."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from flows.sources.dedup import content_hash
from flows.sources.urls import UrlError, article_id, normalize_url

log = logging.getLogger(__name__)

SUPPORTED = (".jsonl", ".json", ".csv", ".parquet", ".txt")
HF_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")  # what `save_to_disk` writes


class ImportFileError(ValueError):
    """A file that cannot be imported at all (missing, unknown format, no text column)."""


def is_hf_dataset(path: Path) -> bool:
    return path.is_dir() and any((path / marker).exists() for marker in HF_MARKERS)


def _hf_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Rows of a dataset saved with `Dataset.save_to_disk` / `DatasetDict.save_to_disk` (no network)."""
    from datasets import Dataset, DatasetDict, load_from_disk

    try:
        loaded = load_from_disk(str(path))
    except (FileNotFoundError, ValueError) as exc:
        raise ImportFileError(f"{path}: not a dataset saved with `save_to_disk` ({exc})") from exc
    splits: dict[str, Dataset] = dict(loaded) if isinstance(loaded, DatasetDict) else {"": loaded}
    for split, dataset in splits.items():
        if "text" not in dataset.column_names:
            raise ImportFileError(f"{path}: no `text` column (columns: {', '.join(dataset.column_names)})")
        label = f"{path}[{split}]" if split else str(path)
        for n, rec in enumerate(dataset):
            yield f"{label}:{n}", dict(rec)


def _records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, record) for each row: where is 'file:line' for the error messages."""
    if is_hf_dataset(path):
        yield from _hf_records(path)
        return
    if path.is_dir():
        raise ImportFileError(
            f"{path}: a folder but not a saved Hugging Face dataset (no {' / '.join(HF_MARKERS)}); "
            f"pass files ({', '.join(SUPPORTED)}) or a `save_to_disk` folder"
        )
    suffix = path.suffix.lower()
    if suffix == ".txt":
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        title = next((ln.strip() for ln in lines if ln.strip()), "")
        yield f"{path}", {"title": title, "text": "\n".join(lines).strip(), "id": path.stem}
        return
    if suffix in (".jsonl", ".json"):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield f"{path}:{n}", json.loads(line)
                except json.JSONDecodeError as exc:
                    yield f"{path}:{n}", {"_error": f"not valid JSON ({exc.msg})"}
        return
    if suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        raise ImportFileError(
            f"{path}: unsupported file type {suffix!r}; use one of {', '.join(SUPPORTED)} "
            "or a Hugging Face dataset folder written by `save_to_disk`"
        )
    if "text" not in frame.columns:
        raise ImportFileError(f"{path}: no `text` column (columns: {', '.join(frame.columns)})")
    offset = 2 if suffix == ".csv" else 0  # CSV: header is line 1
    for n, rec in enumerate(frame.to_dict(orient="records")):
        yield f"{path}:{n + offset}", rec


def _published(value: Any) -> date | None:
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def record_to_row(
    rec: dict[str, Any], outlet_id: str | None, source: str, run_id: str | None
) -> dict[str, Any]:
    """An article row from one imported record; raises ValueError with the reason."""
    if "_error" in rec:
        raise ValueError(rec["_error"])
    text = str(rec.get("text") or "").strip()
    if not text:
        raise ValueError("empty `text`")
    url = str(rec.get("url") or "").strip()
    outlet = outlet_id or rec.get("outlet_id") or rec.get("outlet_domain") or rec.get("outlet")
    if not outlet:
        raise ValueError("no outlet: give the record an `outlet` field or pass --outlet")
    if url:
        try:
            normalized = normalize_url(url)
            aid = article_id(url)
        except UrlError as exc:
            raise ValueError(str(exc)) from exc
    else:  # no URL: a stable id from where the record came from and its own id or text
        key = f"import:{source}:{rec.get('id') or content_hash(text)}"
        normalized = key
        aid = hashlib.sha256(key.encode()).hexdigest()[:16]
    return {
        "article_id": aid,
        "outlet_id": str(outlet),
        "url": url or normalized,
        "canonical_url": None,
        "normalized_url": normalized,
        "feed_url": None,
        "title": str(rec.get("title") or "").strip(),
        "byline": rec.get("byline") or None,
        "published": _published(rec.get("published")),
        "language": rec.get("language") or None,
        "text": text,
        "content_hash": content_hash(text),
        "raw_html_z": None,
        "extractor": "import",
        "extractor_version": None,
        "first_run_id": run_id,
        "fetched_at": datetime.now(UTC).replace(tzinfo=None),
    }


def read_import_file(
    path: Path, outlet_id: str | None = None, source: str | None = None, run_id: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows, errors) from one file; errors carry where (file:line) and why."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    rows, errors = [], []
    for where, rec in _records(path):
        try:
            rows.append(record_to_row(rec, outlet_id, source or path.name, run_id))
        except ValueError as exc:
            errors.append({"stage": "import", "source": where, "reason": "bad_record", "detail": str(exc)})
    return rows, errors
