"""Stored text is printed as text, never as Rich markup (issue 20, point 8): titles, outlet names, file
names and registry names holding `[/x]` or `[bold red]` are stored by the real import and then printed,
as they are, by every command that shows them; none crashes (MarkupError) or renders them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from framewatch.cli import app
from tests.clichecks import run_cli

runner = CliRunner()
BODY = "The markup council met on Tuesday to weigh the bracket budget and the tag rules for the pier."
OUTLET = "[/x] Markup [bold red]News"
TITLE = "[bold red]Loud[/] title [/x]"
REGISTRY = f"""schema = 1
version = "1"
[[outlet]]
slug = "markup-news"
name = "{OUTLET}"
domain = "markup.example"
country = "US"
kind = "blog"
feeds = ["http://127.0.0.1:9/feed.xml"]
"""


def _invoke(*args: str):
    result = runner.invoke(app, list(args), terminal_width=250)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "MarkupError" not in result.output, result.output
    return result


def test_markup_in_stored_data_is_printed_as_it_is(prefect_harness, tmp_path: Path):
    db, env = tmp_path / "fw.duckdb", {"FRAMEWATCH_HOME": str(tmp_path / "home")}
    first = tmp_path / "first.jsonl"
    first.write_text(
        json.dumps({"url": "https://markup.example/a/1", "outlet": OUTLET, "title": TITLE, "text": BODY})
        + "\n"
    )
    second = tmp_path / "m[bold red]x.jsonl"  # a file name with markup, and a record refused from it
    second.write_text(
        json.dumps({"url": "https://markup.example/a/2", "outlet": OUTLET, "text": f"Again. {BODY}"})
        + "\n"
        + json.dumps({"outlet": OUTLET, "text": 5})
        + "\n"
    )
    stored = run_cli("import", str(first), str(second), "--db", str(db), env=env)
    assert stored.exit_code == 3, stored.output  # one refused, the rest stored, and all of it printed
    assert OUTLET in stored.output  # the outlet comparison, with the name as stored
    assert f"import {second}:2: bad_text" in stored.output
    runs = _invoke("runs", "--errors", "--db", str(db))
    assert f"{second}:2" in runs.output
    registry = tmp_path / "sources.toml"
    registry.write_text(REGISTRY)
    listed = _invoke("sources", "list", "--sources", str(registry))
    assert OUTLET in listed.output
    monitor = _invoke("monitor", "--sources", str(registry), "--db", str(db))  # the quiet path: no flow
    assert OUTLET in monitor.output  # the outlet comparison after a run whose feed failed
    query = _invoke(
        "query", "select title, o.name from articles join outlets o using (outlet_id)", "--db", str(db)
    )
    assert TITLE in query.output and OUTLET in query.output
    as_json = _invoke("query", "select title from articles where title <> ''", "--json", "--db", str(db))
    assert json.dumps(TITLE)[1:-1] in as_json.output
    stories = _invoke("stories", "--db", str(db))
    assert "[bold red]Loud[/]" in stories.output
    article = _invoke("query", "select article_id from articles where title <> ''", "--json", "--db", str(db))
    story = _invoke("story", json.loads(article.output)["article_id"], "--db", str(db))
    assert TITLE in story.output and story.exit_code == 0

    sample = _invoke("label", "sample", "--db", str(db), "--n", "1", "--test-size", "1")
    assert sample.exit_code == 0, sample.output

    models = tmp_path / "models"
    (models / "markup-1").mkdir(parents=True)
    (models / "markup-1" / "card.json").write_text(json.dumps({"created": "[/x] [bold red]2026"}))
    listed_models = _invoke("models", "list", "--models-dir", str(models))
    assert "[/x] [bold red]2026"[:16] in listed_models.output and "broken: markup-1" in listed_models.output
