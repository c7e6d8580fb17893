"""Topics: what an article is about, from an analyst-editable taxonomy file (flows/analysis/topics.toml, or
FRAMEWATCH_TOPICS_FILE). Each topic lists patterns; an article gets the topic whose patterns match most
often in its title (counted twice) and lead, if at least `min_hits` match, else 'other'. A topic given by
an imported file's `topic` field is stored as such and wins (warehouse stg_article_topics).

Patterns are whole words or phrases, case-insensitive, except those written in capitals (acronyms such as
ICE, CDC, NRA), which match only in capitals; `re:` starts a regular expression."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import topics_store

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).with_name("topics.toml")
OTHER = "other"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class TopicFileError(ValueError):
    """A taxonomy file that cannot be used; the message names the file, the topic and what to fix."""


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    pattern: re.Pattern[str]  # case-insensitive patterns, one alternation
    exact: re.Pattern[str] | None  # patterns in capitals, case-sensitive


@dataclass(frozen=True)
class Taxonomy:
    version: str
    topics: tuple[Topic, ...]
    lead_words: int = 250
    min_hits: int = 3

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def assign(self, title: str, text: str) -> tuple[str, float]:
        """(topic id, hits) of one article; ('other', hits of the best topic) below `min_hits`."""
        lead = " ".join((text or "").split()[: self.lead_words])
        best, best_hits = OTHER, 0.0
        for topic in self.topics:
            hits = 2.0 * _count(topic, title or "") + _count(topic, lead)
            if hits > best_hits:
                best, best_hits = topic.id, hits
        return (best if best_hits >= self.min_hits else OTHER), best_hits


def _count(topic: Topic, text: str) -> int:
    n = len(topic.pattern.findall(text))
    return n + (len(topic.exact.findall(text)) if topic.exact is not None else 0)


def _alternation(parts: Sequence[str], flags: int, where: str) -> re.Pattern[str] | None:
    if not parts:
        return None
    try:
        return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", flags)
    except re.error as exc:
        raise TopicFileError(f"{where}: a pattern is not a valid regular expression ({exc})") from exc


def _compile(raw: dict, path: Path, index: int) -> Topic:
    where = f"{path}: topic #{index + 1}"
    tid = raw.get("id")
    if not isinstance(tid, str) or not _ID.match(tid) or tid == OTHER:
        raise TopicFileError(
            f"{where}: id {tid!r} must be lowercase letters, digits and dashes (not 'other')"
        )
    where = f"{path}: topic {tid!r}"
    patterns = raw.get("patterns")
    if (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) and p.strip() for p in patterns)
    ):
        raise TopicFileError(
            f"{where}: `patterns` must be a non-empty list of words, phrases or re: expressions"
        )
    loose, exact = [], []
    for p in patterns:
        if p.startswith("re:"):
            try:
                re.compile(p[3:])
            except re.error as exc:
                raise TopicFileError(
                    f"{where}: pattern {p!r} is not a valid regular expression ({exc})"
                ) from exc
            loose.append(p[3:])
        elif p.isupper():
            exact.append(re.escape(p))
        else:
            loose.append(r"\s+".join(re.escape(w) for w in p.split()))
    return Topic(
        tid,
        str(raw.get("label") or tid),
        _alternation(loose, re.IGNORECASE, where) or re.compile(r"(?!x)x"),
        _alternation(exact, 0, where),
    )


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Read and check a taxonomy file; every problem is a TopicFileError that names it."""
    path = Path(path) if path else DEFAULT_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TopicFileError(
            f"{path}: no such topic file; set FRAMEWATCH_TOPICS_FILE to an existing one"
        ) from exc
    except UnicodeDecodeError as exc:
        raise TopicFileError(f"{path}: not UTF-8 text ({exc.reason}); save the topic file as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TopicFileError(f"{path}: not valid TOML ({exc}); fix the line it names") from exc
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise TopicFileError(f"{path}: needs a `version` string (bump it when you change the topics)")
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        raise TopicFileError(f"{path}: needs at least one [[topics]] table with id, label and patterns")
    topics = tuple(_compile(t if isinstance(t, dict) else {}, path, i) for i, t in enumerate(raw_topics))
    ids = [t.id for t in topics]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise TopicFileError(f"{path}: topic id(s) {dupes} appear more than once; ids must be unique")
    for key in ("lead_words", "min_hits"):
        if key in data and (not isinstance(data[key], int) or data[key] < 1):
            raise TopicFileError(f"{path}: `{key}` must be a whole number >= 1")
    return Taxonomy(version, topics, int(data.get("lead_words", 250)), int(data.get("min_hits", 3)))


def assign_topics(con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, batch_size: int = 2000) -> int:
    """Give every article without an imported topic, and without a topic from this taxonomy version, its
    topic (all articles once when the version changes). Returns the number of articles assigned."""
    assigned = 0
    while True:
        todo = topics_store.untopiced_articles(con, taxonomy.version, batch_size)
        if not todo:
            break
        rows = []
        for article_id, title, text in todo:
            topic, hits = taxonomy.assign(title or "", text or "")
            rows.append((article_id, topic, hits))
        topics_store.store_topics(con, rows, "taxonomy", taxonomy.version)
        assigned += len(rows)
    if assigned:
        log.info("assigned topics (taxonomy %s) to %d articles", taxonomy.version, assigned)
    return assigned
