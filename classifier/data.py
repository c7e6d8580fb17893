"""Load labeled corpora in the shared schema and validate every label against the codebook.

The shared schema (see the data README) has one ``labels`` struct per row:
``{frames: list[str], primary_frame, slant, tone}``. JSONL files may carry the same struct, or flat
``frames``/``slant``/``tone`` fields instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifier.scoring import compose_text
from labels.codebook import Codebook, LabelError, load_codebook

logger = logging.getLogger(__name__)

COLUMNS = [
    "id",
    "title",
    "text",
    "language",
    "outlet",
    "outlet_domain",
    "published",
    "split",
    "frames",
    "slant",
    "tone",
    "dataset",
]
REQUIRED_COLUMNS = ("id", "text")
MAX_ERRORS_SHOWN = 5


class DataError(ValueError):
    """Labeled data that cannot be used: unreadable file, missing column, or a label not in the codebook."""


def load_labeled(
    paths: str | Path | Sequence[str | Path],
    codebook: Codebook | None = None,
    extra_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """Read one or many Parquet/JSONL files in the shared schema, validate labels, return one frame.

    Columns: id, title, text, language, outlet, outlet_domain, published (date | None), split, frames
    (list[str], empty when the row has no frame labels), slant (str | None), tone (str | None), dataset
    (the corpus a row comes from, when the file says; the protocol knows which a model trained on), then
    `extra_columns` as given in the files (e.g. a story id to group by; missing ones are an error).
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not files:
        raise DataError("no data files given")
    book = codebook or load_codebook()
    parts = [_normalise(_read(path), path, book, extra_columns) for path in files]
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    dupes = df["id"][df["id"].duplicated()].unique()
    if len(dupes):
        shown = ", ".join(repr(d) for d in dupes[:MAX_ERRORS_SHOWN])
        more = f" and {len(dupes) - MAX_ERRORS_SHOWN} more" if len(dupes) > MAX_ERRORS_SHOWN else ""
        raise DataError(
            f"{len(dupes)} duplicate row id(s) across {', '.join(map(str, files))}: {shown}{more}; "
            "each labeled row needs a unique id: drop or rename the duplicates"
        )
    logger.info("loaded %d labeled rows from %d file(s)", len(df), len(files))
    return df


def dataset_hash(df: pd.DataFrame) -> str:
    """sha256 over (id, frames, slant, tone) of every row, independent of row order."""
    lines = sorted(
        "\t".join([str(i), "|".join(sorted(f)), "" if _missing(s) else str(s), "" if _missing(t) else str(t)])
        for i, f, s, t in zip(df["id"], df["frames"], df["slant"], df["tone"], strict=True)
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(
            f"{path}: file not found; point FRAMEWATCH_DATA_DIR at the folder with the labeled data"
        )
    suffixes = "".join(path.suffixes[-2:]).lower()
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() in {".jsonl", ".ndjson"} or suffixes == ".jsonl.gz":
            return pd.read_json(path, lines=True, dtype={"id": str})
    except (ValueError, OSError) as exc:
        raise DataError(
            f"{path}: cannot read ({exc}); is it valid Parquet/JSONL in the shared schema?"
        ) from exc
    raise DataError(f"{path}: unsupported file type; use .parquet or .jsonl")


def _normalise(
    raw: pd.DataFrame, path: Path, book: Codebook, extra_columns: Sequence[str] = ()
) -> pd.DataFrame:
    missing = [c for c in [*REQUIRED_COLUMNS, *extra_columns] if c not in raw.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; expected the shared schema")
    if "labels" in raw.columns:
        labels = [_as_dict(v) for v in raw["labels"]]
    else:
        labels = [
            {k: row.get(k) for k in ("frames", "slant", "tone")}
            for row in raw.reindex(columns=["frames", "slant", "tone"]).to_dict("records")
        ]
    ids = raw["id"].astype(str).tolist()
    errors: list[str] = []
    rows = list(zip(labels, ids, strict=True))
    frames = [_check_frames(lab.get("frames"), rid, book, errors) for lab, rid in rows]
    slant = [_check(lab.get("slant"), rid, book.validate_slant, errors) for lab, rid in rows]
    tone = [_check(lab.get("tone"), rid, book.validate_tone, errors) for lab, rid in rows]
    if errors:
        shown = "\n  ".join(errors[:MAX_ERRORS_SHOWN])
        more = f"\n  ... and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise DataError(
            f"{path}: {len(errors)} label(s) not in codebook {book.version}:\n  {shown}{more}\n"
            "Fix the labels in the file, or add the label to labels/codebook.toml and bump its version."
        )
    out = pd.DataFrame(
        {
            "id": ids,
            "title": _text_column(raw, "title"),
            "text": _text_column(raw, "text"),
            # object dtype keeps None as None (pandas' str dtype would turn it into NaN)
            "language": pd.Series(_optional_column(raw, "language"), dtype=object),
            "outlet": pd.Series(_optional_column(raw, "outlet"), dtype=object),
            "outlet_domain": pd.Series(_optional_column(raw, "outlet_domain"), dtype=object),
            "published": pd.Series(_date_column(raw, "published"), dtype=object),
            "split": pd.Series(_optional_column(raw, "split"), dtype=object),
            "frames": pd.Series(frames, dtype=object),
            "slant": pd.Series(slant, dtype=object),
            "tone": pd.Series(tone, dtype=object),
            "dataset": pd.Series(_optional_column(raw, "dataset"), dtype=object),
        }
    )
    for name in extra_columns:
        out[name] = pd.Series(_optional_column(raw, name), dtype=object)
    return out[[*COLUMNS, *extra_columns]]


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return {}
    if isinstance(value, str):
        return json.loads(value)
    return dict(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _check_frames(value: Any, row_id: str, book: Codebook, errors: list[str]) -> list[str]:
    if _missing(value):
        return []
    names = [value] if isinstance(value, str) else list(value)
    out = []
    for name in names:
        try:
            out.append(book.frame_by_name(str(name)).name)
        except LabelError as exc:
            errors.append(f"row id={row_id!r}: {exc}")
    return out


def _check(value: Any, row_id: str, validate: Any, errors: list[str]) -> str | None:
    if _missing(value) or value == "":
        return None
    try:
        return validate(str(value))
    except LabelError as exc:
        errors.append(f"row id={row_id!r}: {exc}")
        return None


def _text_column(raw: pd.DataFrame, name: str) -> list[str]:
    if name not in raw.columns:
        return [""] * len(raw)
    return ["" if _missing(v) else str(v) for v in raw[name]]


def _date_column(raw: pd.DataFrame, name: str) -> list[date | None]:
    if name not in raw.columns:
        return [None] * len(raw)
    parsed = pd.to_datetime(raw[name], errors="coerce", utc=True)
    return [None if pd.isna(v) else v.date() for v in parsed]


def _optional_column(raw: pd.DataFrame, name: str) -> list[str | None]:
    if name not in raw.columns:
        return [None] * len(raw)
    return [None if _missing(v) else str(v) for v in raw[name]]


def frame_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows that carry at least one frame label."""
    return df[df["frames"].map(len) > 0].reset_index(drop=True)


def slant_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows that carry a slant label."""
    return df[df["slant"].notna()].reset_index(drop=True)


def texts_of(df: pd.DataFrame) -> list[str]:
    """Model input texts (title + newline + body) for each row."""
    return [compose_text(t, b) for t, b in zip(df["title"], df["text"], strict=True)]
