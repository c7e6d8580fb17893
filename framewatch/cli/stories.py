"""Story commands: group stories and list the largest (`stories`), read one side by side (`story ID`)."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.analysis.stories.view import SideBySide, coverage_by_lean, joined, side_by_side
from flows.reporting.wording import emphasised, share_gap, slant_line
from framewatch.cli.console import console, fail, print_table
from framewatch.cli.db import reading
from framewatch.cli.options import DbOption, Panel, at_least, resolve_db
from warehouse.db import WarehouseError, connect

app = typer.Typer(help="Stories across outlets.", no_args_is_help=True)


def _short(text: str | None, n: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


@app.command("stories", rich_help_panel=Panel.read)
def stories(
    db: DbOption = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Regroup every article (default: only new ones).")
    ] = False,
    limit: Annotated[int, typer.Option(help="Show this many of the largest stories.")] = 15,
) -> None:
    """Group articles about the same event across outlets and list the largest stories.

    A story is one event: an article joins when it is linked to every member (title/lead similarity, shared
    words, names and numbers, days apart), within 21 days; threads link the stories of one subject. Also
    lists the largest threads (headlined by their shared subject) and the blindspots (stories passing the
    size and cohesion bar that one side did not cover), each with why it counts."""
    from classifier.transformer.embedding import MODEL_NAME
    from flows.analysis.stories.grouping import mixed_backends, update_stories
    from warehouse import stories_store, story_reads

    limit = at_least("--limit", limit, 0)
    try:
        con = connect(resolve_db(db))
    except WarehouseError as exc:
        fail(str(exc))
    try:
        counts = update_stories(con, rebuild=rebuild)
        mixed = mixed_backends(stories_store.embedding_backends(con, MODEL_NAME))
        largest = story_reads.largest_stories(con, limit)
        blind = story_reads.blindspots(con, 5)
        threads = story_reads.largest_threads(con, 5)
    finally:
        con.close()
    console.print(
        f"{counts['articles_assigned']} articles assigned; {counts['stories']} stories, "
        f"{counts['multi_outlet_stories']} covered by several outlets; {counts['threads']} threads, "
        f"{counts['multi_story_threads']} of several stories.",
        highlight=False,
    )
    if mixed:
        console.print(f"warning: {mixed}.", highlight=False)
    print_table(
        ["story", "headline", "days", "span", "articles", "outlets", "by lean (articles)", "thread"],
        [
            (
                r["story_id"],
                _short(r["headline"], 70),
                f"{r['first_day']} .. {r['last_day']}",
                f"{r['span_days']}d",
                r["n_articles"],
                r["n_outlets"],
                coverage_by_lean(r) + (" blindspot" if r["blindspot"] else ""),
                f"{r['thread_id']} ({r['thread_stories']} stories)" if r["thread_stories"] > 1 else "",
            )
            for r in largest
        ],
        title=f"the {len(largest)} largest stories (L/C/R/? = outlets' lean prior)",
    )
    if threads:
        print_table(
            ["thread", "headline", "days", "stories", "articles", "outlets"],
            [
                (
                    t["thread_id"],
                    _short(t["headline"], 70),
                    f"{t['first_day']} .. {t['last_day']}",
                    t["n_stories"],
                    t["n_articles"],
                    t["n_outlets"],
                )
                for t in threads
            ],
            title="threads: stories of one ongoing topic",
        )
    if blind:
        print_table(
            ["story", "headline", "covered by", "missed by", "outlets", "why it counts"],
            [
                (
                    b["story_id"],
                    _short(b["headline"], 60),
                    b["covered_by"],
                    b["missed_by"],
                    b["outlets"],
                    b["why"],
                )
                for b in blind
            ],
            title="blindspots: covered by one side only (3+ articles, 2+ outlets, every link >= 0.5)",
        )
    console.print(
        "Read one side by side: framewatch story ID (a story, thread or article id)", highlight=False
    )


@app.command("story", rich_help_panel=Panel.read)
def story(
    story_id: Annotated[str, typer.Argument(help="A story id (st-...), thread id (th-...) or article id.")],
    db: DbOption = None,
    top: Annotated[int, typer.Option(help="Frames to show per outlet.")] = 3,
) -> None:
    """Read one story (or thread) side by side, outlet by outlet.

    Each outlet's headline, the frames it emphasizes against the story's other coverage, its slant and
    tone, the sentences behind them; coverage by lean; the thread."""
    top = at_least("--top", top, 1)
    with reading(resolve_db(db)) as con:
        view = side_by_side(con, story_id, top=top)
    if view is None:
        fail(
            f"no story, thread or article with id {story_id!r}: list stories with `framewatch stories` "
            "(ids start with st- or th-), or give an article id"
        )
    _print_view(view)


def _line(text: str, style: str | None = None) -> None:
    """Untrusted text (titles, sentences) printed as is: no markup, no highlighting."""
    console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


def _print_view(v: SideBySide) -> None:
    what = "Thread" if v.kind == "thread" else "Story"
    _line(f"{what} {v.id}: {_short(v.headline, 120)}", "bold")
    if v.asked != v.id:
        _line(f"(article {v.asked} is in this story)")
    n_outlets = len(v.outlets)
    stories = f", {len(v.stories)} stories" if v.kind == "thread" else ""
    _line(f"{v.first_day} .. {v.last_day}: {v.n_articles} articles from {n_outlets} outlets{stories}")
    cov = "  ".join(
        f"{lean} {arts} ({outs} outlet{'s' if outs != 1 else ''})"
        for lean, (arts, outs) in v.coverage.items()
    )
    _line(f"Coverage by lean prior (articles): {cov}")
    if not v.scored:
        _line("These articles have no current-model prediction yet: run `framewatch score-stored`.")
    for o in v.outlets:
        _line("")
        _line(f"== {o.outlet} ({o.lean} lean prior): {len(o.articles)} article(s)", "bold")
        for a in o.articles:
            where = f" [{a['story_id']}]" if v.kind == "thread" else ""
            _line(f"  {a['day']}  {_short(a['title'], 110)}{where}")
            if a["url"]:
                _line(f"      {a['url']}", "dim")
            if a["link_score"] is not None and a["cosine"] is not None:
                _line(f"      {joined(a)}", "dim")
        if o.emphasis:
            if n_outlets > 1:
                parts = [
                    f"{e.frame} {share_gap(e.share, e.others_share)}"
                    for e in o.emphasis
                    if emphasised(e.share, e.others_share)
                ]
                _line(
                    "  Frames it uses more than the other coverage: "
                    + ("; ".join(parts) or "none by 5 points or more")
                )
            else:
                _line(
                    "  Frames (no other coverage): "
                    + "; ".join(f"{e.frame} {e.share:.0%}" for e in o.emphasis)
                )
        if o.slant_score is not None:
            _line(f"  Slant: {slant_line(o.slant_score)}   Tone: {o.tone} ({o.tone_score:+.2f})")
        for key, sentence in o.evidence:
            _line(f"    [{key}] “{_short(sentence, 220)}”")
    if v.kind == "story" and n_outlets == 1 and len(v.stories) > 1:
        _line("")
        _line(f"Only one outlet covered this story; its thread puts {len(v.stories)} stories side by side:")
        _line(f"  framewatch story {v.thread_id}")
    others = [s for s in v.stories if s["story_id"] != v.id] if v.kind == "story" else v.stories
    if others:
        _line("")
        title = "Other stories in its thread" if v.kind == "story" else "Stories in this thread"
        _line(f"{title} ({v.thread_id}):", "bold")
        for s in others:
            _line(
                f"  {s['story_id']}  {s['first_day']} .. {s['last_day']}  {s['n_articles']} art., "
                f"{s['n_outlets']} outlets  {_short(s['headline'], 70)}"
            )
