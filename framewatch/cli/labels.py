"""`framewatch label ...`: sample, serve, load, export, agreement, adjudicate, retrain. Thin over labels/*."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from framewatch.cli.console import console, fail, print_table, styled
from framewatch.cli.db import reading
from framewatch.cli.options import DbOption, ModelsDirOption, resolve_db
from framewatch.cli.renamed import under_old_name
from labels.codebook import LabelError, load_codebook
from labels.settings import LabelSettings
from warehouse.db import WarehouseError, open_db

app = typer.Typer(
    help="Label articles, check agreement, adjudicate gold labels (the labeling workflow).",
    no_args_is_help=True,
)


class ImportFormat(StrEnum):
    jsonl = "jsonl"
    label_studio = "label-studio"


class ExportWhat(StrEnum):
    tasks = "tasks"
    labels = "labels"
    gold = "gold"


@contextmanager
def _writer(db: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        with open_db(resolve_db(db)) as con:
            yield con
    except WarehouseError as exc:
        fail(str(exc))


def _reader(db: Path | None) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    path = resolve_db(db)
    return reading(
        path,
        lambda exc: (
            f"{path} has no labeling tables yet ({exc}); run `framewatch label sample --db {path}` first"
        ),
    )


@app.command("sample")
def sample(
    db: DbOption = None,
    n: Annotated[
        int,
        typer.Option(
            "--n",
            help="Articles to queue for labeling: exactly N (fewer only when fewer candidates are left). "
            "The frozen test set, drawn on the first sample, goes to its own queue and is not counted.",
        ),
    ] = 40,
    test_size: Annotated[int, typer.Option(help="Frozen test set size, drawn once when none exists.")] = 20,
    uncertainty_share: Annotated[
        float, typer.Option(help="Share picked where the model is least sure.")
    ] = 0.4,
    random_share: Annotated[float, typer.Option(help="Share picked at random (the rest: diversity).")] = 0.3,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    assign: Annotated[
        list[str] | None, typer.Option("--assign", help="Queue for this annotator only (repeat for several).")
    ] = None,
) -> None:
    """Pick articles to label: uncertainty + diversity + a random slice, stratified by outlet.

    Articles already labeled, queued or in the test set are skipped.
    The first run also freezes a random, outlet-stratified test set: labeled, never used for training."""
    from labels.sampling import SampleConfig, draw, sample_summary

    try:
        config = SampleConfig(
            n=n,
            uncertainty_share=uncertainty_share,
            random_share=random_share,
            test_size=test_size,
            seed=seed,
        )
    except ValueError as exc:
        fail(str(exc))
    with _writer(db) as con:
        batch_id, plan = draw(con, config, assign or [])
    counts = plan.counts()
    outlets = sorted({o for o, _s in counts})
    strategies = ["uncertainty", "diversity", "random", "test"]
    print_table(
        ["outlet", *strategies],
        [[o, *[counts.get((o, s), 0) for s in strategies]] for o in outlets],
        title=f"batch {batch_id}",
    )
    for line in sample_summary(plan, n, test_size):
        console.print(line, soft_wrap=True)


@app.command("serve")
def serve(
    db: DbOption = None,
    annotator: Annotated[
        list[str] | None,
        typer.Option(
            "--annotator",
            help="Who may label (repeat for each person); added to FRAMEWATCH_LABEL_ANNOTATORS. "
            "Nobody else can start a session.",
        ),
    ] = None,
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default 127.0.0.1; keep it local).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8766 or FRAMEWATCH_LABEL_PORT).")] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option("--allowed-host", help="Extra Host header name to accept (repeatable)."),
    ] = None,
) -> None:
    """Serve the labeling page on http://127.0.0.1:8766 (one article at a time, keyboard shortcuts).

    Two queues: /label (articles queued by `label sample`) and /test (the frozen test set, labeled
    without the model's suggestions; its labels only evaluate retrained models)."""
    from pydantic import ValidationError

    from labels.annotators import AnnotatorError, require
    from labels.web.app import PageConfig
    from labels.web.app import serve as run_server
    from labels.web.security import LOOPBACK_HOSTS

    try:
        settings = LabelSettings()
        names = require([*settings.annotators, *(annotator or [])])
    except ValidationError as exc:
        fail(f"FRAMEWATCH_LABEL_*: {exc.errors()[0]['msg']}")
    except AnnotatorError as exc:
        fail(str(exc))
    path = resolve_db(db)
    if not path.exists():
        fail(f"no database at {path}: run `framewatch demo` or `framewatch monitor` first")
    bind, bind_port = host or settings.host, settings.port if port is None else port
    if not 1 <= bind_port <= 65535:
        fail(f"--port {bind_port} is not a port: give one from 1 to 65535 (default {settings.port})")
    _check_free(bind, bind_port)
    console.print(
        f"labeling page: http://{bind}:{bind_port}/  for {', '.join(names)}  (Ctrl+C to stop; labels go to "
        f"{path} and to its labels export)",
        soft_wrap=True,
    )
    config = PageConfig(
        db_path=path, annotators=names, allowed_hosts=[*LOOPBACK_HOSTS, *(allowed_host or [])]
    )
    run_server(config, bind, bind_port)


def _check_free(host: str, port: int) -> None:
    """One line, before anything starts, when the address cannot be served (in use, not ours)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
            probe.bind(infos[0][4])
    except OSError as exc:
        fail(f"cannot serve on {host}:{port}: {exc.strerror or exc}; choose another --port or --host")


@app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="A Label Studio JSON export, or a .jsonl file of labels.")],
    db: DbOption = None,
    fmt: Annotated[
        ImportFormat | None,
        typer.Option("--format", help="jsonl or label-studio (default: from the suffix)."),
    ] = None,
    annotator: Annotated[str | None, typer.Option(help="Annotator name for every label in the file.")] = None,
) -> None:
    """Load labels from a file: the whole file is validated first, and nothing is stored if a record is bad.

    JSONL: one object a line: article_id, annotator, frames (list), primary_frame, slant, tone.
    Optional: labeled_at, codebook_version. Label Studio: the project's JSON export."""
    from labels.io import LabelImportError, import_labels

    with _writer(db) as con:
        try:
            result = import_labels(con, file, load_codebook(), fmt.value if fmt else None, annotator)
        except LabelImportError as exc:
            fail(str(exc))
    console.print(
        f"read {result.read} labels: stored {result.stored}, unchanged {result.unchanged} "
        f"(import {result.import_id})"
    )


app.command("import", hidden=True)(under_old_name(load, "label import", "label load"))


@app.command("export")
def export(
    out: Annotated[
        Path, typer.Argument(help="File to write (.json for Label Studio tasks, .jsonl for labels).")
    ],
    db: DbOption = None,
    what: Annotated[
        ExportWhat, typer.Option(help="tasks (Label Studio, with predictions), labels or gold.")
    ] = (ExportWhat.tasks),
    scope: Annotated[str, typer.Option(help="For tasks: 'queue' (queued articles) or 'all'.")] = "queue",
    config: Annotated[
        Path | None, typer.Option(help="Also write the Label Studio labeling config (XML) here.")
    ] = None,
) -> None:
    """Export Label Studio tasks with model predictions, or stored labels / gold labels as JSONL."""
    from labels.io import label_studio_config, label_studio_tasks, labels_jsonl
    from warehouse import labels_store

    with _reader(db) as con:
        if what is ExportWhat.tasks:
            try:
                rows = labels_store.export_tasks(con, scope)
            except ValueError as exc:
                fail(str(exc))
            out.write_text(
                json.dumps(label_studio_tasks(rows), indent=1, default=str, ensure_ascii=False),
                encoding="utf-8",
            )
            n = len(rows)
        else:
            rows = labels_store.current_labels(con) if what is ExportWhat.labels else labels_store.gold(con)
            with out.open("w", encoding="utf-8") as fh:
                for line in labels_jsonl(rows):
                    fh.write(line + "\n")
            n = len(rows)
    if config:
        config.write_text(label_studio_config(load_codebook()), encoding="utf-8")
        console.print(f"wrote the Label Studio config to {config}")
    console.print(f"wrote {n} {what.value} to {out}")


@app.command("agreement")
def agreement(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Krippendorff's alpha (nominal) per frame, primary frame, slant and tone; annotator confusion."""
    from labels.agreement import agreement as compute
    from labels.agreement import confusion_table
    from warehouse import labels_store

    book = load_codebook()
    with _reader(db) as con:
        labels = labels_store.current_labels(con)
    if not labels:
        fail("no labels yet: label articles with `framewatch label serve` or `framewatch label load`")
    report = compute(labels, book)
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "annotators": report.annotators,
                    "articles": report.n_articles,
                    "overlap": report.n_overlap,
                    "alpha": {a.variable: a.alpha for a in report.alphas},
                    "pairs": [
                        {
                            "a": p.a,
                            "b": p.b,
                            "shared": p.n_shared,
                            "agreement": {v: p.agreement(v) for v in p.confusion},
                        }
                        for p in report.pairs
                    ],
                }
            )
        )
        return
    fmt = lambda x: "n/a" if x is None else f"{x:.2f}"  # noqa: E731
    print_table(
        ["variable", "alpha", "articles (2+ annotators)", "ratings", "observed agreement"],
        [
            [a.variable, fmt(a.alpha), a.n_units, a.n_pairable, fmt(a.observed_agreement)]
            for a in report.alphas
        ],
        title=f"Krippendorff's alpha (nominal), {len(report.annotators)} annotators",
    )
    for pair in report.pairs:
        if not pair.n_shared:
            continue
        for variable, labels_ in (("slant", book.slant_labels), ("tone", book.tone_labels)):
            table = confusion_table(pair, variable, labels_)
            print_table(
                [f"{pair.a} \\ {pair.b}", *labels_],
                [[x, *row] for x, row in zip(labels_, table, strict=True)],
                title=f"{variable}: {pair.a} vs {pair.b} ({pair.n_shared} shared articles)",
            )
    if report.n_overlap == 0:
        console.print(
            "no article has two annotators: queue the same batch for several people", style="yellow"
        )


@app.command("adjudicate")
def adjudicate(
    db: DbOption = None,
    article: Annotated[
        str | None, typer.Option(help="Resolve this article by hand (with --frame etc.).")
    ] = None,
    frame: Annotated[list[str] | None, typer.Option("--frame", help="A gold frame (repeat).")] = None,
    primary: Annotated[str | None, typer.Option(help="The gold primary frame.")] = None,
    slant: Annotated[str | None, typer.Option(help="The gold slant.")] = None,
    tone: Annotated[str | None, typer.Option(help="The gold tone.")] = None,
    by: Annotated[str | None, typer.Option(help="Who adjudicates (required with --article).")] = None,
    min_annotators: Annotated[int, typer.Option(help="Annotators an article needs for automatic gold.")] = 2,
    accept_single: Annotated[bool, typer.Option(help="Make single-annotator labels gold too.")] = False,
) -> None:
    """Turn labels into gold labels: majority agreement automatically, conflicts by a person.

    Without --article: articles whose annotators agree by majority get gold labels.
    Each conflict is listed with the command that resolves it.
    With --article: record a person's decision for one article."""
    from labels.adjudication import gold_row, propose_gold, waiting_for_annotators
    from warehouse import labels_store

    book = load_codebook()
    with _writer(db) as con:
        if article:
            if not (by and frame and slant and tone):
                fail(
                    "--article needs --frame (one or more), --slant, --tone and --by NAME (and --primary "
                    "when there are several frames)"
                )
            if not labels_store.known_article_ids(con, [article]):
                fail(f"unknown article {article!r}")
            n = sum(1 for r in labels_store.current_labels(con) if r["article_id"] == article)
            try:
                row = gold_row(
                    article,
                    frame or [],
                    primary or "",
                    slant or "",
                    tone or "",
                    book,
                    "adjudicated",
                    n,
                    adjudicator=by,
                )
            except LabelError as exc:
                fail(str(exc))
            labels_store.append_gold(con, [row])
            console.print(f"gold label for {article} recorded (adjudicated by {by})")
            return
        done = {r["article_id"] for r in labels_store.gold(con)}
        current = labels_store.current_labels(con)
        decided, conflicts = propose_gold(current, book, min_annotators, accept_single, skip=done)
        waiting = waiting_for_annotators(current, min_annotators, accept_single, skip=done)
        labels_store.append_gold(con, decided)
    console.print(f"{len(decided)} new gold labels ({len(done)} articles already had one)")
    if waiting:
        who = sorted({name for names in waiting.values() for name in names})
        console.print(
            f"{len(waiting)} labeled article(s) wait for more annotators: gold needs labels from at least "
            f"{min_annotators} people who agree, and these have fewer (labeled by {', '.join(who)}). Have "
            "someone else label them (`framewatch label serve --annotator NAME`), or make single labels "
            "gold with --accept-single.",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )
    for c in conflicts:
        console.print(styled(("conflict", "yellow"), f" {c.article_id}: {'; '.join(c.reasons)}"))
        for annotator, lab in sorted(c.labels.items()):
            console.print(
                f"    {annotator}: {', '.join(lab['frames'])} | primary {lab['primary_frame']} | "
                f"{lab['slant']} | {lab['tone']}"
            )
        console.print(
            f"    resolve: framewatch label adjudicate --article {c.article_id} --frame ... "
            "--primary ... --slant ... --tone ... --by NAME"
        )


@app.command("retrain")
def retrain(
    db: DbOption = None,
    margin: Annotated[float | None, typer.Option(help="Score gain needed to promote (default 0.01).")] = None,
    min_test_articles: Annotated[int, typer.Option(help="Gold-labeled test articles needed to decide.")] = 10,
    base_slant_rows: Annotated[
        int, typer.Option(help="Rows of the base slant corpus added to training.")
    ] = 2000,
    rescore_days: Annotated[
        int, typer.Option(help="After a promotion, re-score articles of the last N days.")
    ] = 90,
    models_dir: ModelsDirOption = None,
) -> None:
    """Retrain: a challenger on gold labels, promoted only if it beats the champion on the test set.

    Trains on gold labels (never the frozen test set) plus a sample of the base corpora.
    Score = mean of frame macro-F1 and slant macro-F1 on the test set's gold labels.
    Promotes only if the challenger's score is higher by the margin, then re-scores recent articles.
    Older predictions are kept with their model_version."""
    from classifier.settings import ClassifierSettings
    from flows.preflight import PreflightError, check_retrain
    from labels.retrain import RetrainConfig, RetrainError

    config = RetrainConfig(
        margin=LabelSettings().margin if margin is None else margin,
        min_test_articles=min_test_articles,
        base_slant_rows=base_slant_rows,
    )
    settings = ClassifierSettings()
    try:  # every missing requirement at once, in seconds, before Prefect or any training starts
        check_retrain(resolve_db(db), settings.data_dir, models_dir or settings.models_dir, config)
    except PreflightError as exc:
        fail(str(exc))
    from flows.retrain import retrain_flow

    try:
        out = retrain_flow(
            db_path=str(resolve_db(db)),
            models_dir=str(models_dir) if models_dir else None,
            config=config,
            rescore_days=rescore_days,
        )
    except (RetrainError, ValueError, WarehouseError) as exc:
        fail(str(exc))
    d = out["decision"]
    rows = [
        [s["version"], s["n_articles"], s["frame_macro_f1"], s["slant_macro_f1"], s["score"]]
        for s in (d["champion"], d["challenger"])
        if s
    ]
    print_table(
        ["model", "test articles", "frame macro-F1", "slant macro-F1", "score"], rows, title="frozen test set"
    )
    verdict = ("promoted", "green") if d["promote"] else ("champion kept", "yellow")
    console.print(styled(verdict, f": {d['reason']}; re-scored {out['counts'].get('rescored', 0)} articles"))
