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


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    """A real, empty warehouse (every table, no rows)."""
    db = tmp_path / "fw.duckdb"
    connect(db).close()
    return db


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["runs", "--last", "-1"], ("--last must be 1 or more",)),
        (["stories", "--limit", "-1"], ("--limit must be 0 or more",)),
        (["story", "st-x", "--top", "0"], ("--top must be 1 or more",)),
        (["report", "--outlets", "-1"], ("--outlets must be 1 or more",)),
        (["report", "--out", "/proc/version"], ("cannot write the report to /proc/version",)),
        (["query", "select 1", "--limit", "-5"], ("--limit must be 0 or more",)),
        (["query", "checkpoint"], ("statement 1 is CHECKPOINT", "writes the database file")),
        (["label", "serve", "--annotator", "a", "--port", "99999"], ("--port 99999 is not a port",)),
    ],
)
def test_bad_numbers_and_places_get_one_line(warehouse, args, needles):
    """Issue 20, points 9 and 10: each of these printed a traceback (or a wrong name: CALL)."""
    one_clear_line(runner.invoke(app, [*args, "--db", str(warehouse)]), *needles, code=1)


def test_a_huge_count_means_all_and_a_busy_port_is_one_line(warehouse):
    result = runner.invoke(app, ["runs", "--last", "99999999999999999999", "--db", str(warehouse)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        serve = runner.invoke(
            app, ["label", "serve", "--annotator", "a", "--port", port, "--db", str(warehouse)]
        )
    one_clear_line(serve, f"cannot serve on 127.0.0.1:{port}", "choose another --port", code=1)


@pytest.mark.parametrize(
    ("registry", "needles"),
    [
        (GOOD.replace('slug = "n.example"', 'slug = "../../etc"'), ("'../../etc' is not a plain id",)),
        (GOOD.replace('slug = "n.example"', 'slug = "[/x]"'), ("'[/x]' is not a plain id",)),
        ("", ("no top-level `version`", "framewatch sources validate")),
        (GOOD.replace('country = "US"', 'country = "USA"'), ("ISO 3166-1", "framewatch sources validate")),
    ],
)
def test_monitor_refuses_a_registry_that_validate_rejects(tmp_path, warehouse, registry, needles):
    """Issue 20, point 10: `monitor` ran with registries `sources validate` rejects; now it checks the
    registry the same way first, and says so in one line before anything runs."""
    sources = tmp_path / "sources.toml"
    sources.write_text(registry)
    validate = runner.invoke(app, ["sources", "validate", "--sources", str(sources)])
    assert validate.exit_code == 1 and needles[0] in validate.output, validate.output
    one_clear_line(
        runner.invoke(app, ["monitor", "--sources", str(sources), "--db", str(warehouse)]), *needles
    )
    con = connect(warehouse, read_only=True)
    try:
        assert con.execute("select count(*) from runs").fetchone() == (0,)  # nothing ran
    finally:
        con.close()
