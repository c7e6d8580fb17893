"""Renamed commands: each old name still works, hidden from the help, says where its command went, and
runs that command with the same arguments (the same answer, the same exit status)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from framewatch.cli import app

runner = CliRunner()
RENAMED = [
    (["score"], ["classify"]),
    (["serve"], ["serve-schedules"]),
    (["publish"], ["refresh"]),
    (["label", "import"], ["label", "load"]),
]


def _arguments(new: list[str], tmp_path) -> list[str]:
    """Arguments on which the command answers at once, without a model or a flow run."""
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    return {
        "classify": [str(tmp_path / "missing.txt")],
        "serve-schedules": ["--db", str(tmp_path / "fw.duckdb")],
        "refresh": ["--db", str(junk)],
        "load": [str(tmp_path / "missing.jsonl"), "--db", str(tmp_path / "fw.duckdb")],
    }[new[-1]]


@pytest.mark.parametrize(("old", "new"), RENAMED, ids=lambda names: " ".join(names))
def test_an_old_name_prints_a_note_and_runs_the_new_command(old, new, tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)  # serve-schedules refuses without a server
    args = _arguments(new, tmp_path)
    today = runner.invoke(app, [*new, *args])
    before = runner.invoke(app, [*old, *args])
    assert today.exit_code == before.exit_code == 1, before.output
    note, rest = before.output.split("\n", 1)
    assert note == f"note: `framewatch {' '.join(old)}` is now `framewatch {' '.join(new)}`"
    assert rest == today.output
    assert "note:" not in today.output


def test_old_names_are_hidden_from_the_help():
    import typer.main

    top = typer.main.get_command(app)
    label = top.commands["label"]
    shown = {name for name, cmd in top.commands.items() if not cmd.hidden}
    shown |= {f"label {name}" for name, cmd in label.commands.items() if not cmd.hidden}
    hidden = {" ".join(old) for old, _new in RENAMED}
    assert {" ".join(new) for _old, new in RENAMED} <= shown
    assert not hidden & shown
    assert {"score-stored", "report", "import", "label serve"} <= shown  # the names kept
