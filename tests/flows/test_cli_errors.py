"""One clear line, never a traceback (issue 13, point 6): a second monitor run while one is writing, a
sources TOML that is not UTF-8 or has a wrong type. Checked before Prefect starts the flow, so the
line is all the user sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from framewatch.cli import app
from tests.clichecks import one_clear_line
from tests.locks import lock_held
from warehouse.db import connect

runner = CliRunner()
GOOD = """schema = 1
version = "1"
[[outlet]]
slug = "n.example"
name = "N"
domain = "n.example"
country = "US"
kind = "blog"
feeds = ["https://n.example/feed.xml"]
"""


@pytest.fixture()
def held(tmp_path: Path):
    """A warehouse whose write lock another process holds (a monitoring run writing)."""
    db = tmp_path / "fw.duckdb"
    connect(db).close()
    with lock_held(db):
        yield db


@pytest.mark.parametrize(
    "command",
    [
        ["monitor", "--sources", "{sources}"],
        ["collect", "--sources", "{sources}"],
        ["score-stored"],
        ["refresh"],
        ["import", "{file}"],
    ],
)
def test_a_second_run_while_one_writes_gets_one_line(held, tmp_path, command):
    sources = tmp_path / "s.toml"
    sources.write_text(GOOD)
    file = tmp_path / "a.jsonl"
    file.write_text('{"text": "x", "outlet": "n"}\n')
    args = [a.format(sources=sources, file=file) for a in command] + ["--db", str(held)]
    result = runner.invoke(app, args)
    one_clear_line(result, str(held), "locked by another process", "snapshot", code=1)


def test_recover_on_a_held_file_says_so(held):
    one_clear_line(runner.invoke(app, ["recover", "--db", str(held)]), "locked", "nothing was moved")


def _bad_sources(tmp_path: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    cases = {
        "latin1": (GOOD.replace('name = "N"', 'name = "Caf\xe9"').encode("latin-1"), ("not UTF-8", "line 5")),
        "feeds_string": (
            GOOD.replace('["https://n.example/feed.xml"]', '"https://n.example/feed.xml"').encode(),
            ("`feeds` must be a list of URLs", "n.example"),
        ),
        "name_number": (GOOD.replace('name = "N"', "name = 5").encode(), ("`name` must be a string",)),
        "outlet_string": (b'version = "1"\noutlet = "n.example"\n', ("`outlet` must be a list",)),
        "outlet_numbers": (b'version = "1"\noutlet = [1, 2]\n', ("[[outlet]] table",)),
        "schema_text": (
            GOOD.replace("schema = 1", 'schema = "one"').encode(),
            ("`schema` must be an integer",),
        ),
        "not_toml": (b"[[outlet]\nslug =", ("not valid TOML",)),
    }
    out = {}
    for name, (data, needles) in cases.items():
        path = tmp_path / f"{name}.toml"
        path.write_bytes(data)
        out[name] = (path, needles)
    return out


@pytest.mark.parametrize(
    "case",
    ["latin1", "feeds_string", "name_number", "outlet_string", "outlet_numbers", "schema_text", "not_toml"],
)
def test_a_bad_sources_file_gets_one_line(tmp_path, case):
    path, needles = _bad_sources(tmp_path)[case]
    for args in (
        ["sources", "list", "--sources", str(path)],
        ["monitor", "--sources", str(path), "--db", str(tmp_path / "fw.duckdb")],
    ):
        one_clear_line(runner.invoke(app, args), str(path), *needles)
    validate = runner.invoke(app, ["sources", "validate", "--sources", str(path)])
    assert validate.exit_code != 0 and "Traceback" not in validate.output and needles[0] in validate.output


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["score-stored", "--model", "../outside/x"], ("not a plain name",)),
        (["monitor", "--model", "/tmp/x"], ("not a plain name",)),
        (["score-stored", "--model", "no-such-version"], ("no model 'no-such-version'", "framewatch train")),
    ],
)
def test_a_bad_model_version_gets_one_line_before_the_run(tmp_path, args, needles):
    sources = tmp_path / "s.toml"
    sources.write_text(GOOD)
    result = runner.invoke(
        app,
        [
            *args,
            "--db",
            str(tmp_path / "fw.duckdb"),
            *(["--sources", str(sources)] if args[0] == "monitor" else []),
        ],
    )
    one_clear_line(result, *needles)
    assert not (tmp_path / "fw.duckdb").exists()  # nothing ran: the check came before any flow
