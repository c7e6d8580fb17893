"""Imports never abort on one bad file or record, and never store junk (issue 13, points 2 and 3): each
probe from the issue, on real files, refused with file:line and a reason while every good record is kept."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.sources.bulk import (
    ALL_STORED,
    NOTHING_STORED,
    SOME_REJECTED,
    ImportBatch,
    import_verdict,
    read_import_file,
)
from flows.sources.records import RecordError, RecordRules, parse_published

TEXT = "The county board met on Tuesday to discuss the bridge repair budget and the timeline."
TODAY = date(2026, 12, 1)


def _jsonl(path: Path, lines: list[bytes | dict]) -> Path:
    path.write_bytes(
        b"".join((ln if isinstance(ln, bytes) else json.dumps(ln).encode()) + b"\n" for ln in lines)
    )
    return path


def _good(i: int, **extra) -> dict:
    return {
        "url": f"https://n.example/{i}",
        "title": f"Story {i}",
        "text": f"{TEXT} Part {i}.",
        "outlet": "n",
        **extra,
    }


def _reasons(errors: list[dict]) -> list[tuple[str, str]]:
    return [(e["source"].rsplit("/", 1)[-1], e["reason"]) for e in errors]


def test_an_invalid_utf8_line_and_a_non_object_line_cost_only_themselves(tmp_path):
    path = _jsonl(
        tmp_path / "a.jsonl",
        [_good(1), b'{"text": "caf\xe9 society", "outlet": "n"}', b"[1,2,3]", b'"just a string"', _good(2)],
    )
    rows, errors = read_import_file(path)
    assert [r["title"] for r in rows] == ["Story 1", "Story 2"]
    assert _reasons(errors) == [
        ("a.jsonl:2", "not_utf8"),
        ("a.jsonl:3", "not_an_object"),
        ("a.jsonl:4", "not_an_object"),
    ]
    assert "byte 0xe9" in errors[0]["detail"] and "save the file as UTF-8" in errors[0]["detail"]
    assert "a list" in errors[1]["detail"]


def test_a_corrupt_parquet_file_beside_good_files_costs_only_itself(tmp_path):
    good = _jsonl(tmp_path / "good.jsonl", [_good(1), _good(2)])
    corrupt = tmp_path / "corrupt.parquet"
    pq.write_table(pa.table({"text": [TEXT], "outlet": ["n"]}), corrupt)
    data = bytearray(corrupt.read_bytes())
    data[4:40] = b"\xff" * 36  # the column chunk is garbage; the footer still parses
    corrupt.write_bytes(bytes(data))
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 this is not parquet at all")
    also_good = tmp_path / "also.parquet"
    pq.write_table(pa.table({"text": [TEXT + " Three."], "outlet": ["n"], "title": ["Three"]}), also_good)
    batch = ImportBatch()
    for path in (good, corrupt, junk, also_good, tmp_path / "missing.csv"):
        batch.add_file(path)
    assert sorted(r["title"] for r in batch.rows) == ["Story 1", "Story 2", "Three"]
    assert [e["reason"] for e in batch.errors] == ["bad_file"] * 3
    assert {Path(e["source"]).name for e in batch.errors} == {
        "corrupt.parquet",
        "junk.parquet",
        "missing.csv",
    }
    assert all("Parquet" in e["detail"] or "no such file" in e["detail"] for e in batch.errors)
    assert batch.counts()["import_files_failed"] == 3


@pytest.mark.parametrize(
    ("text", "reason", "words"),
    [
        (12345, "bad_text", "got a number"),
        ({"body": "x"}, "bad_text", "got an object"),
        (None, "no_text", "no `text`"),
    ],
)
def test_text_must_be_a_string(tmp_path, text, reason, words):
    rows, errors = read_import_file(_jsonl(tmp_path / "t.jsonl", [{"text": text, "outlet": "n"}, _good(1)]))
    assert len(rows) == 1 and _reasons(errors) == [("t.jsonl:1", reason)]
    assert words in errors[0]["detail"]


def test_parquet_nan_is_missing_never_the_text_nan(tmp_path):
    path = tmp_path / "n.parquet"
    pq.write_table(
        pa.table({"text": [float("nan"), 1.5], "title": [float("nan"), 2.0], "outlet": ["n", "n"]}), path
    )
    rows, errors = read_import_file(path)
    assert rows == [] and [e["reason"] for e in errors] == ["no_text", "bad_text"]
    path2 = tmp_path / "m.parquet"
    pq.write_table(pa.table({"text": [TEXT], "title": [None], "byline": [None], "outlet": ["n"]}), path2)
    (row,), _ = read_import_file(path2)
    assert row["title"] == "" and row["byline"] is None and "nan" not in row["text"].lower()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2026-11-20T23:30:00Z", date(2026, 11, 20)),
        ("2026-11-20 08:00:00", date(2026, 11, 20)),
        ("20/11/2026", date(2026, 11, 20)),
        ("11/20/2026", date(2026, 11, 20)),
        ("20.11.2026", date(2026, 11, 20)),
        ("2026/11/20", date(2026, 11, 20)),
        ("Nov 20, 2026", date(2026, 11, 20)),
        ("November 20th, 2026", date(2026, 11, 20)),
        ("20 November 2026", date(2026, 11, 20)),
        ("Fri, 20 Nov 2026 10:00:00 GMT", date(2026, 11, 20)),
        (1795132800, date(2026, 11, 20)),  # Unix seconds
        (1795132800000, date(2026, 11, 20)),  # Unix milliseconds
        ("1795132800", date(2026, 11, 20)),
        (None, None),
        ("", None),
        (float("nan"), None),
    ],
)
def test_dates_in_the_common_formats_are_read(value, expected):
    assert parse_published(value, TODAY) == expected


@pytest.mark.parametrize(
    ("value", "reason", "words"),
    [
        ("9999-12-31", "bad_date", "in the future"),
        ("2026-02-30", "bad_date", "not a real date"),
        ("31/04/2026", "bad_date", "not a real date"),
        ("05/11/2026", "ambiguous_date", "YYYY-MM-DD"),
        ("1066-10-14", "bad_date", "before 1900"),
        ("last Tuesday", "bad_date", "not a date format we read"),
        (True, "bad_date", "boolean"),
        (99999999999999999, "bad_date", "not a usable Unix time"),
    ],
)
def test_unreadable_and_impossible_dates_are_refused_with_the_reason(value, reason, words):
    with pytest.raises(RecordError) as err:
        parse_published(value, TODAY)
    assert err.value.reason == reason and words in str(err.value)


def test_a_bad_date_refuses_its_record_and_names_it(tmp_path):
    path = _jsonl(
        tmp_path / "d.jsonl", [_good(1, published="9999-12-31"), _good(2, published="Nov 20, 2026")]
    )
    rows, errors = read_import_file(path)
    assert [str(r["published"]) for r in rows] == ["2026-11-20"]
    assert _reasons(errors) == [("d.jsonl:1", "bad_date")] and "9999-12-31" in errors[0]["detail"]


def test_a_second_record_with_the_same_id_and_another_text_is_reported(tmp_path):
    path = _jsonl(
        tmp_path / "dup.jsonl",
        [
            {"id": "a1", "text": TEXT, "outlet": "n"},
            {"id": "a1", "text": TEXT, "outlet": "n"},  # the same record again: nothing lost
            {"id": "a1", "text": "A different story about a different bridge entirely.", "outlet": "n"},
            _good(7),
            {**_good(7), "text": "Another text under the same URL."},
        ],
    )
    batch = ImportBatch()
    batch.add_file(path)
    assert len(batch.rows) == 2 and batch.repeats == 1
    assert _reasons(batch.errors) == [("dup.jsonl:3", "duplicate_id"), ("dup.jsonl:5", "duplicate_id")]
    assert "dup.jsonl:1" in batch.errors[0]["detail"] and "the first is kept" in batch.errors[0]["detail"]
    # against the warehouse: the same text is already stored, another text is refused (never overwritten)
    stored = {
        batch.rows[0]["article_id"]: batch.rows[0]["content_hash"],
        batch.rows[1]["article_id"]: "other",
    }
    batch.settle_with_stored(stored)
    assert batch.rows == [] and batch.already_stored == 1
    assert batch.errors[-1]["reason"] == "duplicate_id" and "already stored" in batch.errors[-1]["detail"]


def test_a_text_over_the_web_size_cap_is_refused(tmp_path):
    huge = "word " * 4_000_000  # 20 MB, the probe from the issue; pages are capped at 5 MB
    rows, errors = read_import_file(_jsonl(tmp_path / "big.jsonl", [{"text": huge, "outlet": "n"}, _good(1)]))
    assert len(rows) == 1 and _reasons(errors) == [("big.jsonl:1", "too_large")]
    assert "over the 5,000,000-byte cap" in errors[0]["detail"] and "FETCH_MAX_BYTES" in errors[0]["detail"]
    rows, errors = read_import_file(_jsonl(tmp_path / "b2.jsonl", [_good(1)]), max_text_bytes=20)
    assert rows == [] and errors[0]["reason"] == "too_large"


def test_csv_rows_are_refused_one_by_one(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(
        b"url,title,text,outlet\n"
        b'https://c.example/1,One,"' + TEXT.encode() + b'",c\n'
        b"https://c.example/2,Two,caf\xe9 text,c\n"
        b"https://c.example/3,Three,too,many,fields,c\n"
        b'https://c.example/4,Four,"a quoted\nmultiline text",c\n'
    )
    rows, errors = read_import_file(path)
    assert [r["title"] for r in rows] == ["One", "Four"]
    assert _reasons(errors) == [("c.csv:3", "not_utf8"), ("c.csv:4", "bad_csv")]


def test_the_verdict_tells_all_some_and_nothing_apart():
    all_ = {"import_records": 3, "imported_rows": 2, "import_already_stored": 1, "import_rejected": 0}
    assert import_verdict(all_)[0] == ALL_STORED
    some = {"import_records": 3, "imported_rows": 2, "import_rejected": 1}
    code, line = import_verdict(some)
    assert code == SOME_REJECTED and line.startswith("some rejected: 2 of 3 records stored")
    none = {"import_records": 2, "imported_rows": 0, "import_rejected": 3, "import_files_failed": 1}
    code, line = import_verdict(none)
    assert code == NOTHING_STORED and "3 refused, 1 of them whole files" in line
    assert import_verdict({})[0] == NOTHING_STORED


def test_outlet_option_and_rules(tmp_path):
    path = _jsonl(tmp_path / "o.jsonl", [{"text": TEXT}, {"text": TEXT + " x", "outlet": 5}])
    rows, errors = read_import_file(path)
    assert rows == [] and [e["reason"] for e in errors] == ["no_outlet", "bad_outlet"]
    batch = ImportBatch(RecordRules(outlet_id="given"))
    batch.add_file(path)
    assert [r["outlet_id"] for r in batch.rows] == ["given", "given"]


def test_a_stray_quote_costs_its_own_line_and_a_quoted_multiline_field_still_reads(tmp_path):
    """Python's csv lets a quote at the start of a field run over the following lines (PITFALLS.md): the
    record that does not parse costs its first line only, and the lines after it are read on their own."""
    path = tmp_path / "s.csv"
    path.write_text(
        "url,title,text,outlet\n"
        f"https://s.example/1,One,{TEXT},s\n"
        f'https://s.example/2,"Two,{TEXT},s\n'  # line 3: the stray quote
        f"https://s.example/3,Three,{TEXT},s\n"
        f'https://s.example/4,Four,"{TEXT}\nits second line",s\n'  # lines 5-6: one record, quoted
        f'https://s.example/5,"Five" and more,{TEXT},s\n',  # line 7: a quote closed mid-field
        encoding="utf-8",
    )
    rows, errors = read_import_file(path)
    assert [r["title"] for r in rows] == ["One", "Three", "Four"]
    assert rows[2]["text"].endswith("its second line")
    assert _reasons(errors) == [("s.csv:3", "bad_csv"), ("s.csv:7", "bad_csv")]
    assert "runs over lines 3-" in errors[0]["detail"] and "read on their own" in errors[0]["detail"]


def test_json_nested_too_deep_and_bad_json_cost_only_their_line(tmp_path):
    """Issue 20, points 9 and 10: a line nested 200,000 levels deep raised RecursionError and aborted the
    whole import; JSON errors said 'at at'."""
    path = tmp_path / "deep.jsonl"
    path.write_text(
        '{"text": '
        + "[" * 200_000
        + "]" * 200_000
        + "}\n"
        + '{"text": "unterminated}\n'
        + json.dumps(_good(1))
        + "\n"
    )
    rows, errors = read_import_file(path)
    assert [r["title"] for r in rows] == ["Story 1"]
    assert _reasons(errors) == [("deep.jsonl:1", "bad_json"), ("deep.jsonl:2", "bad_json")]
    assert "too deep" in errors[0]["detail"]
    assert errors[1]["detail"] == "not valid JSON (Invalid control character at line 1, column 24)"
    whole = tmp_path / "deep.json"
    whole.write_text("[" * 200_000 + "]" * 200_000)
    batch = ImportBatch()
    batch.add_file(whole)
    assert batch.errors[0]["reason"] == "bad_file" and "too deep" in batch.errors[0]["detail"]
