"""What story linking reads of an article: its title and lead (the first sentences, about 600 characters,
the part every outlet writes about the event itself; the rest of a long article drifts to background),
and from them three sets of keys:

- names: capitalized words not at a sentence start, acronyms, and runs of them ("Supreme Court",
  "Joe Manchin"): people, places, agencies, bills (a cheap named-entity proxy);
- numbers: amounts, counts and percentages ("419000", "3.5trillion", "5%"), not years, not a lone digit
  and not the digits of a name like COVID-19: two reports of the same event share them, the weekly jobless
  claims of two different weeks do not;
- terms: the lead's content words (lower case, stop words out), for a lexical overlap beside the
  embedding.

Keys are compared as idf-weighted Jaccard overlaps (idf over the articles grouped together), so a name
every article carries ("trump") weighs little and a specific one ("manchin") much.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

LEAD_CHARS = 600
MIN_DOCS = 500  # a run of fewer articles weighs keys as if it had this many (its idf would say little)

_STOP = frozenset(
    """the a an and or but in on at of for to by with from as it its this that these those he she they we
    i you his her their our my your mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december said says if
    when while after before during new last first one two three there here what why how who by""".split()
)
_EDGE = "\"'“”‘’()[],.;:!?—–-|"
_SENTENCE = re.compile(r"(?<=[.!?:\n])\s+")
_NUMBER = re.compile(
    r"(?<![\w\-/.])\$?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|million|billion|trillion))?(?![\w\-/])"
)
_WORD = re.compile(r"[a-z][a-z'\-]+")
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass
class StoryDoc:
    """One article as story linking sees it."""

    article_id: str
    outlet_id: str | None
    day: date
    title: str
    text: str  # the lead is enough (lead() of the body)
    names: frozenset[str] = field(default_factory=frozenset)
    numbers: frozenset[str] = field(default_factory=frozenset)
    terms: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, article_id: str, outlet_id: str | None, day: date, title: str, text: str) -> StoryDoc:
        title, body = title or "", lead(text or "")
        return cls(
            article_id,
            outlet_id,
            day,
            title,
            body,
            names(title, body),
            numbers(title, body),
            terms(title, body),
        )


def lead(text: str, chars: int = LEAD_CHARS) -> str:
    """The first sentences of `text`, about `chars` characters (cut at a sentence end when one is near)."""
    flat = " ".join(text.split())
    if len(flat) <= chars:
        return flat
    cut = flat.rfind(". ", 0, chars)
    return flat[: cut + 1] if cut > chars // 2 else flat[:chars]


def names(title: str, text: str) -> frozenset[str]:
    """Capitalized words (acronyms anywhere; a sentence's first word unless a stop word) and runs of them,
    lower case. A title in Title Case capitalizes every word: its words count only as the lead writes them."""
    lead_names = _names(text)
    words = [w.strip(_EDGE) for w in title.split() if len(w.strip(_EDGE)) > 3]
    if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words):
        title_names = {n for n in _names(title) if n in lead_names or n.upper() in title.split()}
        return frozenset(lead_names | title_names)
    return frozenset(lead_names | _names(title))


def _names(text: str) -> set[str]:
    found: set[str] = set()
    for sentence in _SENTENCE.split(text):
        run: list[str] = []
        for k, raw in enumerate(sentence.split()):
            word = raw.strip(_EDGE)
            if word.endswith(("'s", "’s")):
                word = word[:-2]
            key = word.lower()
            if word and word[0].isupper() and key not in _STOP and len(key) > 1:
                found.add(key)
                run.append(key)
                if raw[-1] in ",;:" and len(run) > 1:
                    found.add(" ".join(run))
                    run = []
                continue
            if len(run) > 1:
                found.add(" ".join(run))
            run = []
        if len(run) > 1:
            found.add(" ".join(run))
    return found


def numbers(title: str, text: str) -> frozenset[str]:
    """Amounts, counts and percentages, normalized ("$1,200" -> "1200", "5 percent" -> "5%")."""
    found: set[str] = set()
    for m in _NUMBER.finditer(f"{title} {text}"):
        value = m.group(0).replace(",", "").replace("percent", "%").replace(" ", "").lstrip("$")
        if _YEAR.fullmatch(value):
            continue
        if sum(c.isdigit() for c in value) < 2 and not re.search(r"[a-z%]", value):
            continue
        found.add(value)
    return frozenset(found)


def terms(title: str, text: str) -> frozenset[str]:
    """Content words of the title and lead (lower case, English stop words out, 3 letters or more)."""
    stop = _stop_words()
    return frozenset(w for w in _WORD.findall(f"{title} {text}".lower()) if len(w) > 2 and w not in stop)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its `_stop_words.py` alone: importing scikit-learn
    itself costs 1.5-2 s of every run (it loads scipy.stats), for one list."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")  # locates the package; imports nothing
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "feature_extraction" / "_stop_words.py"
        words = importlib.util.spec_from_file_location("framewatch_sklearn_stop_words", path)
        if words is not None and words.loader is not None and path.exists():
            module = importlib.util.module_from_spec(words)
            words.loader.exec_module(module)
            return frozenset(module.ENGLISH_STOP_WORDS)
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # scikit-learn moved the file

    return frozenset(ENGLISH_STOP_WORDS)


def idf(key_sets: Iterable[frozenset[str]], min_docs: int = 0) -> tuple[dict[str, float], int]:
    """Smoothed idf of every key over the given sets, and how many sets there were. With `min_docs`, a
    small collection counts as that many sets (the rest without the key): with a handful of articles no
    name can be told common."""
    df: dict[str, int] = {}
    total = 0
    for keys in key_sets:
        total += 1
        for k in keys:
            df[k] = df.get(k, 0) + 1
    n = max(total, min_docs)
    return {k: math.log((n + 1) / (c + 1)) + 1 for k, c in df.items()}, total


def overlap(a: frozenset[str], b: frozenset[str], weights: dict[str, float], unseen: float = 1.0) -> float:
    """idf-weighted Jaccard of two key sets, 0..1."""
    union = sum(weights.get(k, unseen) for k in a | b)
    return sum(weights.get(k, unseen) for k in a & b) / union if union else 0.0


@dataclass
class KeyWeights:
    """idf of names, terms over one grouping's articles (numbers are matched as they are)."""

    names: dict[str, float]
    terms: dict[str, float]
    n_docs: int

    @classmethod
    def of(cls, docs: Sequence[StoryDoc], min_docs: int = MIN_DOCS) -> KeyWeights:
        name_idf, n = idf((d.names for d in docs), min_docs)
        term_idf, _ = idf((d.terms for d in docs), min_docs)
        return cls(name_idf, term_idf, n)

    def unseen(self) -> float:
        """The weight of a key none of the articles had (as rare as can be)."""
        return math.log(max(self.n_docs, MIN_DOCS) + 1) + 1
