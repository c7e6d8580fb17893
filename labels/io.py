"""Label interchange: Label Studio tasks (with model predictions) and annotations, and plain JSONL.

Imports are all-or-nothing: every record is validated against the codebook and the warehouse first, and
a file with any problem writes nothing (labels already stored are never touched: the tables are
append-only). Unchanged labels (same as the annotator's standing label) are skipped, so re-importing a
file is harmless."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import duckdb

from labels.codebook import Codebook, LabelError
from warehouse import labels_store

log = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 20
LS_FIELDS = ("frames", "primary_frame", "slant", "tone")
LS_TO_NAME = "text"


class LabelImportError(ValueError):
    """A label file that cannot be imported; the message lists every problem with its place in the file."""


@dataclass(frozen=True)
class RawLabel:
    where: str  # e.g. "line 3" or "task 2 (id 17), annotation 1"
    article_id: Any
    annotator: Any
    frames: Any
    primary_frame: Any
    slant: Any
    tone: Any
    labeled_at: Any = None
    codebook_version: Any = None


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    read: int
    stored: int
    unchanged: int


# -- export -----------------------------------------------------------------------------------------------


def _probs(value: Mapping[str, float] | None) -> dict[str, float]:
    return {str(k): float(v) for k, v in (value or {}).items()}


def _choices(from_name: str, choices: Sequence[str], score: float | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": from_name,
        "from_name": from_name,
        "to_name": LS_TO_NAME,
        "type": "choices",
        "value": {"choices": list(choices)},
    }
    if score is not None:
        item["score"] = round(score, 4)
    return item


def label_studio_tasks(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Label Studio tasks: the article in `data`, the current model's labels in `predictions`."""
    tasks = []
    for row in rows:
        task: dict[str, Any] = {
            "data": {
                "article_id": row["article_id"],
                "title": row.get("title") or "",
                "text": row.get("text") or "",
                "outlet": row.get("outlet") or row.get("outlet_id") or "",
                "url": row.get("url") or "",
                "published": str(row["published"]) if row.get("published") else "",
            }
        }
        if row.get("model_version"):
            frame_probs, slant_probs = _probs(row.get("frame_probs")), _probs(row.get("slant_probs"))
            frames = list(row.get("frames") or [])
            frame_score = min((frame_probs.get(f, 0.0) for f in frames), default=0.0)
            slant_score = slant_probs.get(row["slant"], 0.0)
            task["predictions"] = [
                {
                    "model_version": row["model_version"],
                    "score": round(min(frame_score, slant_score) if frames else slant_score, 4),
                    "result": [
                        _choices("frames", frames, frame_score),
                        _choices(
                            "primary_frame", [row["primary_frame"]], frame_probs.get(row["primary_frame"])
                        ),
                        _choices("slant", [row["slant"]], slant_score),
                        _choices("tone", [row["tone"]]),
                    ],
                }
            ]
        tasks.append(task)
    return tasks


def label_studio_config(codebook: Codebook) -> str:
    """The Label Studio labeling config (XML) matching `label_studio_tasks` and `read_label_studio`."""

    def choice(value: str, hint: str) -> str:
        return f"    <Choice value={quoteattr(value)} hint={quoteattr(hint)}/>"

    frames = "\n".join(choice(f.name, f.definition) for f in codebook.frames)
    slants = "\n".join(choice(g.label, g.definition) for g in codebook.slant_guide)
    tones = "\n".join(choice(g.label, g.definition) for g in codebook.tone_guide)
    return (
        f"<!-- framewatch codebook {codebook.version} -->\n<View>\n"
        '  <Header value="$title"/>\n  <Text name="text" value="$text"/>\n'
        '  <Choices name="frames" toName="text" choice="multiple" required="true" showInline="false">\n'
        f"{frames}\n  </Choices>\n"
        '  <Choices name="primary_frame" toName="text" choice="single" required="true">\n'
        f"{frames}\n  </Choices>\n"
        f'  <Choices name="slant" toName="text" choice="single" required="true">\n{slants}\n  </Choices>\n'
        f'  <Choices name="tone" toName="text" choice="single" required="true">\n{tones}\n  </Choices>\n'
        "</View>\n"
    )


def labels_jsonl(rows: Iterable[Mapping[str, Any]]) -> Iterable[str]:
    """One JSON object per label (or gold label) row."""
    keep = (
        "article_id",
        "annotator",
        "frames",
        "primary_frame",
        "slant",
        "tone",
        "codebook_version",
        "labeled_at",
        "source",
        "method",
        "adjudicator",
        "n_annotators",
        "decided_at",
        "in_test_set",
    )
    for row in rows:
        yield json.dumps({k: row[k] for k in keep if k in row}, default=str, ensure_ascii=False)


# -- import -----------------------------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[RawLabel]:
    out, problems = [], []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(
                    f"line {n}: not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"
                )
                continue
            except RecursionError:
                problems.append(f"line {n}: JSON nested thousands of levels deep, not a label")
                continue
            if not isinstance(rec, dict):
                problems.append(f"line {n}: expected a JSON object, got {type(rec).__name__}")
                continue
            nested = rec.get("labels")
            labels = nested if isinstance(nested, dict) else rec
            out.append(
                RawLabel(
                    f"line {n}",
                    rec.get("article_id"),
                    rec.get("annotator"),
                    labels.get("frames"),
                    labels.get("primary_frame"),
                    labels.get("slant"),
                    labels.get("tone"),
                    rec.get("labeled_at"),
                    rec.get("codebook_version"),
                )
            )
    if problems:
        raise LabelImportError(_summary(path, problems))
    return out


def _ls_annotator(value: Any) -> str | None:
    if isinstance(value, dict):
        return (
            value.get("email")
            or value.get("username")
            or (f"ls-user-{value['id']}" if "id" in value else None)
        )
    if isinstance(value, int | str) and str(value):
        return str(value) if isinstance(value, str) else f"ls-user-{value}"
    return None


def read_label_studio(path: Path, annotator: str | None = None) -> list[RawLabel]:
    """Annotations from a Label Studio JSON export (a list of tasks, each with `annotations`)."""
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, RecursionError) as exc:
        where = (
            f"{exc.msg.removesuffix(' at')} at line {exc.lineno}"
            if isinstance(exc, json.JSONDecodeError)
            else "nested thousands of levels deep"
        )
        raise LabelImportError(
            f"{path}: not valid JSON ({where}); export the project from Label Studio as 'JSON'"
        ) from exc
    if not isinstance(tasks, list):
        raise LabelImportError(f"{path}: expected a list of tasks (Label Studio 'JSON' export)")
    out, problems = [], []
    for t, task in enumerate(tasks, start=1):
        data = task.get("data", {}) if isinstance(task, dict) else {}
        where_task = f"task {t}" + (
            f" (id {task.get('id')})" if isinstance(task, dict) and "id" in task else ""
        )
        if not isinstance(task, dict) or "annotations" not in task:
            problems.append(f"{where_task}: no 'annotations' list; export with annotations")
            continue
        for a, ann in enumerate(task["annotations"], start=1):
            where = f"{where_task}, annotation {a}"
            if ann.get("was_cancelled"):
                continue
            fields: dict[str, list[str]] = {}
            for item in ann.get("result", []):
                name = item.get("from_name")
                if item.get("type") != "choices" or name not in LS_FIELDS:
                    problems.append(
                        f"{where}: unexpected result {name!r} of type {item.get('type')!r}; "
                        f"expected choices named {', '.join(LS_FIELDS)}"
                    )
                    continue
                fields[name] = list(item.get("value", {}).get("choices", []))
            single = {
                k: (fields[k][0] if len(fields.get(k, [])) == 1 else fields.get(k)) for k in LS_FIELDS[1:]
            }
            out.append(
                RawLabel(
                    where,
                    data.get("article_id"),
                    annotator or _ls_annotator(ann.get("completed_by")),
                    fields.get("frames"),
                    single["primary_frame"],
                    single["slant"],
                    single["tone"],
                    ann.get("updated_at") or ann.get("created_at"),
                )
            )
    if problems:
        raise LabelImportError(_summary(path, problems))
    return out


def _summary(path: Path, problems: Sequence[str]) -> str:
    shown = "\n  ".join(problems[:MAX_ERRORS_SHOWN])
    more = f"\n  ... and {len(problems) - MAX_ERRORS_SHOWN} more" if len(problems) > MAX_ERRORS_SHOWN else ""
    return (
        f"{path}: {len(problems)} problem(s), nothing was imported:\n  {shown}{more}\n"
        "Fix these records (labels must be in labels/codebook.toml; articles must be in the warehouse) "
        "and import the file again."
    )


def _timestamp(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise LabelError(f"labeled_at {value!r} is not an ISO date-time (e.g. 2026-10-01T12:00:00Z)") from exc
    return stamp if stamp.tzinfo is None else stamp.astimezone(UTC).replace(tzinfo=None)


def validate(
    raws: Sequence[RawLabel], codebook: Codebook, known_ids: set[str], source: str, import_id: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Label rows for every valid record, and a message per invalid one."""
    rows, problems, seen = [], [], set()
    major = codebook.version.split(".")[0]
    for raw in raws:
        try:
            if not raw.article_id or not isinstance(raw.article_id, str):
                raise LabelError("missing article_id")
            if raw.article_id not in known_ids:
                raise LabelError(
                    f"unknown article {raw.article_id!r}: not in the warehouse (import the "
                    "article first, or check the id)"
                )
            if not raw.annotator or not isinstance(raw.annotator, str):
                raise LabelError("missing annotator (pass --annotator to name one for the whole file)")
            if raw.codebook_version and str(raw.codebook_version).split(".")[0] != major:
                raise LabelError(
                    f"labeled under codebook {raw.codebook_version}, current is {codebook.version} "
                    "(a major change): re-label these articles"
                )
            if not isinstance(raw.frames, list):
                raise LabelError("frames must be a list of frame names")
            labels = codebook.validate_labels(raw.frames, raw.primary_frame, str(raw.slant), str(raw.tone))
            key = (raw.article_id, raw.annotator)
            if key in seen:
                raise LabelError(
                    f"article {raw.article_id!r} is labeled twice by {raw.annotator!r} in this file"
                )
            seen.add(key)
            rows.append(
                labels_store.label_row(
                    raw.article_id,
                    raw.annotator,
                    labels.frames,
                    labels.primary_frame,
                    labels.slant,
                    labels.tone,
                    codebook.version,
                    source,
                    _timestamp(raw.labeled_at),
                    import_id,
                )
            )
        except (LabelError, ValueError) as exc:
            problems.append(f"{raw.where}: {exc}")
    return rows, problems


def import_labels(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    codebook: Codebook,
    fmt: str | None = None,
    annotator: str | None = None,
) -> ImportResult:
    """Validate a whole file, then append its labels in one transaction (or raise, writing nothing)."""
    if not path.exists():
        raise LabelImportError(f"{path}: file not found")
    fmt = fmt or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "label-studio")
    if fmt == "jsonl":
        raws = read_jsonl(path)
        if annotator:
            raws = [RawLabel(**{**r.__dict__, "annotator": annotator}) for r in raws]
    elif fmt == "label-studio":
        raws = read_label_studio(path, annotator)
    else:
        raise LabelImportError(f"unknown format {fmt!r}: use jsonl or label-studio")
    import_id = labels_store.new_id()
    ids = [r.article_id for r in raws if isinstance(r.article_id, str)]
    rows, problems = validate(raws, codebook, labels_store.known_article_ids(con, ids), fmt, import_id)
    if problems:
        raise LabelImportError(_summary(path, problems))
    standing = {(r["article_id"], r["annotator"]): r for r in labels_store.current_labels(con)}
    fields = ("frames", "primary_frame", "slant", "tone")
    fresh = [
        r
        for r in rows
        if not (
            (old := standing.get((r["article_id"], r["annotator"])))
            and all(list(old[f]) == list(r[f]) if f == "frames" else old[f] == r[f] for f in fields)
        )
    ]
    labels_store.append_labels(con, fresh)
    log.info("imported %d labels from %s (%d unchanged)", len(fresh), path, len(rows) - len(fresh))
    return ImportResult(import_id, len(raws), len(fresh), len(rows) - len(fresh))
