"""Bulk import: articles from JSONL / JSON / CSV / Parquet files (shared schema or url,title,text,...),
plain .txt files (first line = title), and Hugging Face `datasets` datasets saved on disk (`save_to_disk`
folders; every split of a DatasetDict).

Nothing in one file stops the others, and nothing in one record stops the rest of its file: a line that
is not UTF-8 or not a JSON object, a CSV row with the wrong number of fields, a record that fails
validation (flows.sources.records) is refused with its file:line and reason; a file that cannot be read
at all (missing, unknown type, corrupt Parquet, no `text` column) is refused as a whole with the reason.
`ImportBatch` keeps the tally across the files of one import, ids included, so a second record with the
same id and a different text is reported, not silently dropped."""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.sources.records import RecordError, RecordRules, record_to_row

log = logging.getLogger(__name__)

SUPPORTED = (".jsonl", ".json", ".csv", ".parquet", ".txt")
HF_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")  # what `save_to_disk` writes
PARQUET_BATCH_ROWS = 2048


TOO_DEEP = "arrays or objects nested thousands of levels deep: too deep to read, and no article record"


def json_problem(exc: json.JSONDecodeError) -> str:
    """Where and what in a JSON text, without Python's dangling 'at' ('Unterminated string starting at')."""
    return f"{exc.msg.removesuffix(' at')} at line {exc.lineno}, column {exc.colno}"


class ImportFileError(ValueError):
    """A file that cannot be imported at all (missing, unknown format, unreadable, no text column)."""


def is_hf_dataset(path: Path) -> bool:
    return path.is_dir() and any((path / marker).exists() for marker in HF_MARKERS)


Item = tuple[str, Any]  # (where, record) ; record is a RecordError when the reader already refused it


def _hf_records(path: Path) -> Iterator[Item]:
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
        for n, rec in enumerate(dataset, 1):
            yield f"{label}:row {n}", dict(rec)


def _utf8(raw: bytes) -> str:
    """`raw` decoded as UTF-8, or a RecordError saying where the first bad byte is."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(
            "not_utf8",
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
            "save the file as UTF-8",
        ) from exc


def _json_lines(path: Path) -> Iterator[Item]:
    with path.open("rb") as fh:
        head = fh.read(64).lstrip()
        fh.seek(0)
        if path.suffix.lower() == ".json" and head.startswith(b"["):
            yield from _json_array(path, fh.read())
            return
        for n, raw in enumerate(fh, 1):
            where = f"{path}:{n}"
            if not raw.strip():
                continue
            try:
                record = json.loads(_utf8(raw))
            except RecordError as exc:
                yield where, exc
                continue
            except json.JSONDecodeError as exc:
                yield where, RecordError("bad_json", f"not valid JSON ({json_problem(exc)})")
                continue
            except RecursionError:
                yield where, RecordError("bad_json", TOO_DEEP)
                continue
            yield where, record


def _json_array(path: Path, raw: bytes) -> Iterator[Item]:
    """A .json file holding one array of records (the whole file must parse)."""
    try:
        records = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path}: not a valid JSON array ({json_problem(exc)}); or give one object per line"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 ({exc}); save the file as UTF-8") from exc
    except RecursionError as exc:
        raise ImportFileError(f"{path}: {TOO_DEEP}") from exc
    for n, rec in enumerate(records):
        yield f"{path}[{n}]", rec


def _csv_rows(path: Path) -> Iterator[Item]:
    """Rows of a CSV file with a header line, by line number; a row with bad bytes or the wrong number of
    fields is refused on its own. Quoting is read strictly, and a row that spans several lines and does not
    parse (a stray quote at the start of a field runs to the next quote, or to the end of the file: see
    PITFALLS.md) costs only its first line: the lines after it are read again on their own, so each record
    is either stored or named."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    csv.field_size_limit(2**31 - 1)  # big texts are refused by the size cap, with a reason
    lines = list(io.StringIO(text, newline=""))  # physical lines, endings kept (what csv reads)
    header_reader = csv.reader(lines, strict=True)
    try:
        header = next(header_reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise ImportFileError(f"{path}: the header line is not CSV ({exc})") from exc
    if "text" not in header:
        raise ImportFileError(f"{path}: no `text` column (columns: {', '.join(header)})")
    pos = header_reader.line_num  # index of the next physical line to read
    while pos < len(lines):
        base = pos
        reader = csv.reader(itertools.islice(lines, base, None), strict=True)
        while True:
            start = pos  # the record about to be read starts on line start + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield f"{path}:{start + 1}", _bad_quoting(exc, start, base + reader.line_num)
                pos = start + 1 if base + reader.line_num > start + 1 else base + reader.line_num
                break  # read on with a fresh reader from the next line
            pos = base + reader.line_num
            where = f"{path}:{start + 1}"
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header) and pos > start + 1:
                yield where, _bad_quoting(None, start, pos, (len(values), len(header)))
                pos = start + 1
                break
            yield where, _csv_record(values, header)


def _bad_quoting(
    exc: csv.Error | None, start: int, end: int, fields: tuple[int, int] | None = None
) -> RecordError:
    """Why the CSV record starting on line start + 1 (0-based `start`, read up to line `end`) is refused."""
    if end > start + 1:
        what = f"{fields[0]} fields where the header has {fields[1]}" if fields else str(exc)
        return RecordError(
            "bad_csv",
            f"a quote opens a field that runs over lines {start + 1}-{end} ({what}): this line is refused "
            'and the lines after it are read on their own; write a quote inside a field as ""',
        )
    return RecordError("bad_csv", f'not a CSV row ({exc}); write a quote inside a field as ""')


def _csv_record(values: list[str], header: list[str]) -> dict[str, str] | RecordError:
    if any("\udc80" <= ch <= "\udcff" for v in values for ch in v):
        return RecordError("not_utf8", "not valid UTF-8; save the file as UTF-8")
    if len(values) != len(header):
        return RecordError(
            "bad_csv", f"{len(values)} fields where the header has {len(header)}; quote fields with commas"
        )
    return dict(zip(header, values, strict=True))


def _parquet_rows(path: Path) -> Iterator[Item]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise ImportFileError(f"{path}: not a readable Parquet file ({exc}); export it again") from exc
    if "text" not in parquet.schema_arrow.names:
        raise ImportFileError(f"{path}: no `text` column (columns: {', '.join(parquet.schema_arrow.names)})")
    n = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for rec in batch.to_pylist():
                n += 1
                yield f"{path}:row {n}", rec  # rows counted from 1, as lines are
    except (pa.ArrowException, OSError) as exc:
        raise ImportFileError(
            f"{path}: Parquet data unreadable after row {n} ({exc}); export it again"
        ) from exc


def _txt_record(path: Path) -> Iterator[Item]:
    from flows.sources.charset import decode_with_source

    text, _encoding, _how = decode_with_source(path.read_bytes())  # BOM, then detection, as for pages
    lines = text.splitlines()
    title = next((ln.strip() for ln in lines if ln.strip()), "")
    yield f"{path}", {"title": title, "text": "\n".join(lines).strip(), "id": path.stem}


def read_records(path: Path) -> Iterator[Item]:
    """(where, record) for each record of one file: where is 'file:line' for the error messages."""
    if is_hf_dataset(path):
        yield from _hf_records(path)
        return
    if path.is_dir():
        raise ImportFileError(
            f"{path}: a folder but not a saved Hugging Face dataset (no {' / '.join(HF_MARKERS)}); "
            f"pass files ({', '.join(SUPPORTED)}) or a `save_to_disk` folder"
        )
    readers = {
        ".txt": _txt_record,
        ".jsonl": _json_lines,
        ".json": _json_lines,
        ".csv": _csv_rows,
        ".parquet": _parquet_rows,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise ImportFileError(
            f"{path}: unsupported file type {path.suffix.lower()!r}; use one of {', '.join(SUPPORTED)} "
            "or a Hugging Face dataset folder written by `save_to_disk`"
        )
    try:
        yield from reader(path)
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _error(where: str, reason: str, detail: str) -> dict[str, Any]:
    return {"stage": "import", "source": where, "reason": reason, "detail": detail}


@dataclass
class ImportBatch:
    """The rows and refusals of one import (one or more files), with the tally the exit status needs."""

    rules: RecordRules = field(default_factory=RecordRules)
    run_id: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0
    repeats: int = 0  # the same id with the same text again: nothing new, nothing lost
    already_stored: int = 0  # records the warehouse holds already, same text
    files_failed: int = 0
    copies: int = 0  # records whose text a stored or earlier article has already: stored once, linked
    _first: dict[str, tuple[str, str]] = field(default_factory=dict)  # article_id -> (where, content hash)
    _ids: dict[str, tuple[str, str]] = field(default_factory=dict)  # record id -> (where, content hash)

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def add_file(self, path: Path | str, source: str | None = None) -> None:
        """Read one file; its good records join `rows`, everything refused joins `errors`."""
        path = Path(path)
        try:
            if not path.exists():
                raise ImportFileError(f"{path}: no such file")
            for where, rec in read_records(path):
                self.records += 1
                self._add(where, rec, source or path.name)
        except ImportFileError as exc:
            self.files_failed += 1
            self.errors.append(_error(str(path), "bad_file", str(exc)))
            log.warning("import: %s", exc)

    def _add(self, where: str, rec: Any, source: str) -> None:
        try:
            if isinstance(rec, RecordError):
                raise rec
            row = record_to_row(rec, self.rules, source, self.run_id)
        except RecordError as exc:
            self.errors.append(_error(where, exc.reason, str(exc)))
            return
        record_id = row.get("record_id")
        same_id = self._ids.get(record_id) if record_id is not None else None
        if record_id is not None and same_id is None:
            self._ids[record_id] = (where, row["content_hash"])
        elif same_id is not None and row["article_id"] not in self._first:  # the id again, in another file
            self._again(where, row, same_id, f"id {record_id!r}")
            return
        first = self._first.get(row["article_id"])
        if first is None:
            self._first[row["article_id"]] = (where, row["content_hash"])
            self.rows.append(row)
        else:
            self._again(where, row, first, f"article id {row['article_id']} (from its url or id)")

    def _again(self, where: str, row: dict[str, Any], first: tuple[str, str], what: str) -> None:
        """A record whose id came before (`first`: where, content hash): a repeat when the text is the
        same, else a duplicate_id error naming where the first one was (the first is kept)."""
        if first[1] == row["content_hash"]:
            self.repeats += 1
            return
        self.errors.append(
            _error(
                where,
                "duplicate_id",
                f"{what} was already given a different text by {first[0]}; the first is kept: give each "
                "article its own url or id",
            )
        )

    def settle_with_stored(
        self, stored: dict[str, str], stored_ids: dict[str, tuple[str, str]] | None = None
    ) -> None:
        """Set aside rows whose id the warehouse holds already (`stored`: article_id -> content hash;
        `stored_ids`: a record's own `id` -> (article_id, content hash) of the article stored under it,
        from whichever file): the same text is simply already stored; a different text is refused with the
        reason, since stored articles are never overwritten."""
        kept = []
        for row in self.rows:
            held = stored.get(row["article_id"])
            by_id = (stored_ids or {}).get(row.get("record_id") or "")
            if held is None and by_id is not None:
                held = by_id[1]
            if held is None:
                kept.append(row)
            elif held == row["content_hash"]:
                self.already_stored += 1
            else:
                where = self._first[row["article_id"]][0]
                what = f"article id {row['article_id']}" if by_id is None else f"id {row['record_id']!r}"
                self.errors.append(
                    _error(
                        where,
                        "duplicate_id",
                        f"{what} is already stored with a different text; the stored article is kept "
                        "(articles are never overwritten): give this one its own url or id",
                    )
                )
        self.rows = kept

    def note_copies(self, added: set[str], stored_by_hash: dict[str, str]) -> list[str]:
        """After the rows went through the exact-copy check (flows.sources.dedup): one line for each row
        not stored because a stored or earlier article has the same text (`stored_by_hash`: content hash ->
        article_id), naming the record and that article. Counted in `copies`."""
        lines = []
        for row in self.rows:
            if row["article_id"] in added:
                continue
            self.copies += 1
            original = stored_by_hash.get(row["content_hash"], "?")
            lines.append(
                f"{self._first[row['article_id']][0]}: the same text as article {original}, stored once "
                "and linked to it (article_links), not stored twice"
            )
        return lines

    def counts(self) -> dict[str, int]:
        return {
            "import_records": self.records,
            "imported_rows": len(self.rows),
            "import_already_stored": self.already_stored,
            "import_repeats": self.repeats,
            "import_copies": self.copies,
            "import_rejected": self.rejected,
            "import_files_failed": self.files_failed,
        }


def read_import_file(
    path: Path,
    outlet_id: str | None = None,
    source: str | None = None,
    run_id: str | None = None,
    max_text_bytes: int = RecordRules.max_text_bytes,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows, errors) from one file; errors carry where (file:line, or the file) and why. Raises
    ImportFileError when the file cannot be read at all."""
    batch = ImportBatch(RecordRules(outlet_id, max_text_bytes), run_id)
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    for where, rec in read_records(path):
        batch.records += 1
        batch._add(where, rec, source or path.name)
    return batch.rows, batch.errors


ALL_STORED, SOME_REJECTED, NOTHING_STORED = 0, 3, 4  # exit statuses of `framewatch import`


def import_verdict(counts: dict[str, Any]) -> tuple[int, str]:
    """(exit status, one line) for an import's counts: every record stored (0), some refused and the
    rest stored (3), nothing stored (4)."""
    total = int(counts.get("import_records", 0))
    copies = int(counts.get("import_copies", 0))  # rows whose text was stored already: linked, not new
    new = int(counts.get("imported_rows", 0)) - copies
    held = int(counts.get("import_already_stored", 0)) + int(counts.get("import_repeats", 0)) + copies
    refused = int(counts.get("import_rejected", 0))
    files = int(counts.get("import_files_failed", 0))
    stored = new + held
    same = f", {copies} of them the same text as another article" if copies else ""
    what = f"{stored} of {total} records stored ({new} new, {held} already there{same})"
    if refused == 0 and stored:
        return ALL_STORED, f"all stored: {what}"
    if refused == 0:
        return NOTHING_STORED, "nothing stored: the files hold no records"
    why = f"{refused} refused" + (f", {files} of them whole files" if files else "")
    where = "listed above and in `framewatch runs --errors`"
    if stored:
        return SOME_REJECTED, f"some rejected: {what}; {why} ({where})"
    return NOTHING_STORED, f"nothing stored: {why} ({where})"
