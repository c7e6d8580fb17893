"""Docs are interface: every command has help, and the README's commands exist."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framewatch.cli import app
from tests.processes import modules_imported

README = Path(__file__).resolve().parents[1] / "README.md"
ISSUE_NUMBER = re.compile(r"issue[- ]?#?\d|#\d+", re.IGNORECASE)  # help is in users' words, not tracker refs
runner = CliRunner()


def _commands(typer_app, prefix=()):
    import typer.main

    click_cmd = typer.main.get_command(typer_app)
    out = []

    def walk(cmd, path):
        out.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, (*path, name))

    walk(click_cmd, tuple(prefix))
    return out


@pytest.mark.parametrize("path", _commands(app), ids=lambda p: " ".join(p) or "framewatch")
def test_every_command_has_help(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    # a one-line description is shown for the command itself
    assert len(result.output.strip().splitlines()) > 3
    assert not ISSUE_NUMBER.search(result.output), ISSUE_NUMBER.search(result.output)


def test_the_top_level_help_groups_every_command_under_a_heading():
    import typer.main

    shown = {name: cmd for name, cmd in typer.main.get_command(app).commands.items() if not cmd.hidden}
    panels = {getattr(cmd, "rich_help_panel", None) for cmd in shown.values()}
    assert None not in panels, [name for name, cmd in shown.items() if not cmd.rich_help_panel]
    assert panels == {"Run", "Read the warehouse", "Models", "Labels", "Sources"}
    text = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    for panel in panels:
        assert f" {panel} " in text


def test_readme_commands_exist():
    text = README.read_text()
    named = set(re.findall(r"(?:`|bin/)framewatch ([a-z][a-z-]*)", text))
    top = {p[0] for p in _commands(app) if p}
    missing = named - top
    assert not missing, f"README names commands that do not exist: {missing}"
    assert "make demo" in text and "make test" in text


def test_the_cli_starts_without_the_heavy_libraries():
    """`framewatch --help` and the light commands stay quick: importing the CLI and its runtime setup
    (the app callback) import neither scikit-learn, pandas, torch, transformers nor Prefect."""
    code = "from framewatch.cli import runtime\nruntime()"
    assert modules_imported(code, ["sklearn", "scipy", "pandas", "torch", "transformers", "prefect"]) == []


def test_a_run_checks_and_loads_a_composite_model_without_torch():
    """What a run does before its flow (the checks, loading and probing the promoted composite model,
    choosing the story-embedding backend) imports no torch on a machine without a GPU driver: torch's
    ~2 s import was part of every run's fixed cost."""
    from classifier.hardware import cuda_driver_present

    if cuda_driver_present():
        pytest.skip("an NVIDIA driver is present: the backend choice asks torch about CUDA")
    code = (
        "from flows.preflight import check_run\n"
        "from classifier.versions.load import probe\n"
        "from classifier.transformer.embedding import resolve_backend\n"
        "from classifier import registry\n"
        "probe(registry.promoted_version())\n"
        "resolve_backend()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "FRAMEWATCH_BF16"}
    assert modules_imported(code, ["torch", "transformers"], env) == []


def test_the_commands_that_boot_the_api_at_entry_are_flow_commands():
    """framewatch.entry starts Prefect's temporary API before the CLI loads, for the commands that always
    run a flow: each is a real command (a renamed one would silently lose the early start), never for
    its --help, never for monitor (usually answered without a flow) or the light commands."""
    from framewatch.entry import FLOW_COMMANDS, boots_api_early

    top = {p[0] for p in _commands(app) if p}
    assert FLOW_COMMANDS <= top, FLOW_COMMANDS - top
    assert boots_api_early(["import", "articles.jsonl"]) and boots_api_early(["refresh", "--db", "x"])
    assert not boots_api_early(["import", "articles.jsonl", "--help"])
    assert not boots_api_early(["monitor"]) and not boots_api_early(["query", "select 1"])
    assert not boots_api_early([])


def test_a_working_folder_that_cannot_be_made_is_one_line(tmp_path):
    """FRAMEWATCH_HOME under a file: every command says so in one line (before, a traceback), and the
    commands that boot the API at entry start nothing."""
    import subprocess
    import sys
    from pathlib import Path

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["FRAMEWATCH_HOME"] = str(blocker / "home")
    cli = str(Path(sys.executable).parent / "framewatch")
    for args in (
        ["refresh", "--db", str(tmp_path / "fw.duckdb")],
        ["runs", "--db", str(tmp_path / "fw.duckdb")],
    ):
        proc = subprocess.run([cli, *args], env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr and "set FRAMEWATCH_HOME" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
