"""Which texts a saved model was trained on, so that a figure computed on them can say it is in-sample.

A model card names the labeled files each task was trained on and the hash of the exact rows
(`data.<task>.dataset_hash`, classifier.data.dataset_hash). When those files are where the card or
FRAMEWATCH_DATA_DIR says and their rows hash to the card's, the training rows are known exactly; when the
card records that only a sample of the files was used (or the hash differs), every row of those files is
a *possible* training row, and the answer says so. A model folder may also carry the keys itself
(`training_keys.json`, written by `save_training_keys` when a model is saved): then no data file is needed.

Keys: each row's id, and the first 16 hex digits of the warehouse's content hash of its body text
(warehouse.content: the same hash `articles.content_hash` holds), so the warehouse can join on it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warehouse.content import content_hash

log = logging.getLogger(__name__)

KEYS_FILE = "training_keys.json"
TASKS = ("frames", "slant")
KEY_HEX = 16


def text_key(text: str | None) -> str:
    """The key of a body text: the first 16 hex digits of its content hash (warehouse.content)."""
    return content_hash(text or "")[:KEY_HEX]


@dataclass
class TrainingKeys:
    """The training rows of one model, per task: ids and text keys; `exact` False when they are every row
    of the files the task sampled from (a superset of what it trained on); `source` says how it is known."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    texts: dict[str, set[str]] = field(default_factory=dict)
    exact: dict[str, bool] = field(default_factory=dict)
    source: str = ""

    def tasks(self) -> list[str]:
        return sorted(set(self.ids) | set(self.texts))

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "tasks": {
                t: {
                    "exact": self.exact.get(t, True),
                    "ids": sorted(self.ids.get(t, ())),
                    "texts": sorted(self.texts.get(t, ())),
                }
                for t in self.tasks()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TrainingKeys:
        keys = cls(source=str(data.get("source", "")))
        for task, entry in dict(data.get("tasks") or {}).items():
            keys.ids[task] = {str(i) for i in entry.get("ids", [])}
            keys.texts[task] = {str(k) for k in entry.get("texts", [])}
            keys.exact[task] = bool(entry.get("exact", True))
        return keys


@dataclass(frozen=True)
class InSample:
    """How many of some rows a model was trained on (`n_in` of `n`), by task; `known` False when the card
    cannot tell (then `reason` says why)."""

    n: int
    n_in: int
    by_task: dict[str, int]
    exact: bool
    known: bool
    source: str
    reason: str = ""

    def line(self, what: str = "rows") -> str:
        """One line for people; empty when nothing is in-sample and that is known."""
        if not self.known:
            return f"note: cannot tell whether these {what} were in the model's training data ({self.reason})"
        if not self.n_in:
            return ""
        tasks = ", ".join(f"{t} {k}" for t, k in sorted(self.by_task.items()) if k)
        maybe = "" if self.exact else " (or in the files it sampled its training rows from)"
        return (
            f"IN-SAMPLE: {self.n_in} of {self.n} {what} are in the model's training data{maybe} [{tasks}]; "
            f"figures on them are not a test of the model and overstate how it does on new articles"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.n,
            "in_training": self.n_in,
            "by_task": dict(self.by_task),
            "exact": self.exact,
            "known": self.known,
            "source": self.source,
            "reason": self.reason,
        }


def save_training_keys(model_dir: Path, frames: Any = None, slant: Any = None, source: str = "") -> Path:
    """Write the keys of the rows each task trained on (DataFrames in the shared schema: `id`, `text`)
    into the model folder (JSON), so later checks need no data file."""
    keys = TrainingKeys(source=source or "written when the model was saved")
    for task, df in (("frames", frames), ("slant", slant)):
        if df is not None:
            keys.ids[task] = {str(i) for i in df["id"]}
            keys.texts[task] = {text_key(t) for t in df["text"]}
            keys.exact[task] = True
    path = Path(model_dir) / KEYS_FILE
    path.write_text(json.dumps(keys.to_json()), encoding="utf-8")
    return path


def _file_paths(entry: Any, data_dir: Path | None) -> list[Path]:
    """Where a file the card names may be: its recorded path, else its name under data_dir."""
    raw = entry.get("path") or entry.get("name") if isinstance(entry, Mapping) else str(entry)
    name = entry.get("name") if isinstance(entry, Mapping) else Path(str(entry)).name
    out = [Path(str(raw))]
    if data_dir is not None and name:
        out.append(Path(data_dir) / str(name))
    return out


def _task_rows(section: Mapping[str, Any], task: str, data_dir: Path | None) -> tuple[Any, bool, str]:
    """(the rows of the files a task names, exact?, why not when None)."""
    from classifier.data import dataset_hash, frame_rows, load_labeled, slant_rows

    files = []
    for entry in section.get("files") or []:
        found = next((p for p in _file_paths(entry, data_dir) if p.exists()), None)
        if found is None:
            return None, False, f"the {task} training file {_file_paths(entry, None)[0].name} is not here"
        files.append(found)
    if not files:
        return None, False, f"the card names no {task} training files"
    df = load_labeled(files)
    rows = frame_rows(df) if task == "frames" else slant_rows(df)
    exact = "sampling" not in section and dataset_hash(rows) == section.get("dataset_hash")
    return rows, exact, ""


def _cache_path(card: Mapping[str, Any]) -> Path:
    from classifier.settings import ClassifierSettings

    digest = str((card.get("data") or {}).get("dataset_hash") or card.get("version") or "unknown")[:16]
    return ClassifierSettings().cache_dir.parent / "training-keys" / f"{digest}.json"


def training_keys(
    card: Mapping[str, Any], model_dir: Path | None = None, data_dir: Path | None = None
) -> tuple[TrainingKeys | None, str]:
    """The training keys of the model `card` describes, and '' ; or (None, why they cannot be known)."""
    if model_dir is not None and (Path(model_dir) / KEYS_FILE).exists():
        data = json.loads((Path(model_dir) / KEYS_FILE).read_text(encoding="utf-8"))
        return TrainingKeys.from_json(data), ""
    data_section = card.get("data") or {}
    if not any(isinstance(data_section.get(t), Mapping) for t in TASKS):
        return None, "its card does not record its training data"
    cache = _cache_path(card)
    if cache.exists():
        try:
            return TrainingKeys.from_json(json.loads(cache.read_text(encoding="utf-8"))), ""
        except (OSError, ValueError):
            log.warning("unreadable training-keys cache %s; rebuilding it", cache)
    keys = TrainingKeys()
    sources = []
    for task in TASKS:
        section = data_section.get(task)
        if not isinstance(section, Mapping):
            continue
        rows, exact, why = _task_rows(section, task, data_dir)
        if rows is None:
            return None, why
        keys.ids[task] = {str(i) for i in rows["id"]}
        keys.texts[task] = {text_key(t) for t in rows["text"]}
        keys.exact[task] = exact
        how = "its exact rows (hash verified)" if exact else "every row of the files it sampled from"
        sources.append(f"{task}: {how}")
    keys.source = "rebuilt from the card's training files: " + "; ".join(sources)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(keys.to_json()), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        log.warning("could not cache the training keys at %s", cache, exc_info=True)
    return keys, ""


def check(keys: TrainingKeys | None, why: str, ids: Sequence[Any], texts: Sequence[str | None]) -> InSample:
    """How many of the rows (`ids`, body `texts`, one per row) are in the training data: a row counts when
    its id or its text key is among a task's training rows."""
    n = len(texts)
    if keys is None:
        return InSample(n, 0, {}, False, False, "", why)
    text_keys = [text_key(t) for t in texts]
    hit = [False] * n
    by_task: dict[str, int] = {}
    for task in keys.tasks():
        task_ids, task_texts = keys.ids.get(task, set()), keys.texts.get(task, set())
        mine = [str(i) in task_ids or k in task_texts for i, k in zip(ids, text_keys, strict=True)]
        by_task[task] = sum(mine)
        hit = [a or b for a, b in zip(hit, mine, strict=True)]
    exact = all(keys.exact.get(t, True) for t, k in by_task.items() if k)
    return InSample(n, sum(hit), by_task, exact, True, keys.source)


def check_rows(card: Mapping[str, Any], df: Any, models_dir: Path | None = None) -> InSample:
    """`framewatch evaluate --data`: how many rows of a labeled file (shared schema) the model trained on
    (its folder in `models_dir` may hold the keys; else the card's training files are read)."""
    from classifier.settings import ClassifierSettings

    folder = Path(models_dir) / str(card.get("version")) if models_dir and card.get("version") else None
    keys, why = training_keys(card, folder, ClassifierSettings().data_dir)
    return check(keys, why, list(df["id"]), list(df["text"]))


def keys_for_warehouse(keys: TrainingKeys) -> Iterable[tuple[str, str]]:
    """(text key, tasks) pairs to join on articles.content_hash (its first 16 hex digits)."""
    tasks: dict[str, list[str]] = {}
    for task in keys.tasks():
        for k in keys.texts.get(task, ()):
            tasks.setdefault(k, []).append(task)
    return ((k, ",".join(sorted(v))) for k, v in tasks.items())
