"""Sentence splitting and evidence: which sentences of a text carry each predicted frame and the slant.

Only article sentences are candidates: photo captions and credits, promo and link lines ("CLICK HERE",
another story's headline), headings, bylines, author bios, copyright and reprint notices and scrape junk
(a name run into the next headline) are dropped first, as lines and as sentences (scraped pages mix them
into the text; classifier.cues.is_furniture says what counts). Every remaining sentence is scored with
the fitted model as if it were a document; a sentence is evidence for a frame when that frame stands out
in it (its logit minus the sentence's mean logit over all frames), so a long sentence that scores high on
every frame does not win everywhere. Labels take distinct sentences where the article has enough of them.
Sentences returned are exact substrings of the input text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from classifier.cues import is_furniture

SLANT_KEY = "slant"
DEFAULT_K = 2
MIN_EVIDENCE_WORDS = 4

# Words that end with a period but rarely end a sentence (compared case-insensitively, without the dot).
ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof sr jr st sen rep gov gen lt col maj sgt capt cmdr adm pres supt rev hon fr
    messrs mme mlle vs etc al approx dept univ assn bros inc corp co ltd llc plc no nos vol pp fig est
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    ave blvd rd mt ft hwy sq ariz calif colo conn fla ill ind kan mass mich minn miss nev okla ore penn
    tenn tex va vt wash wis wyo""".split()
)
# After an initialism like "U.S." these words usually start a new sentence.
SENTENCE_STARTERS = frozenset(
    "The A An He She It They We I You But And In On At This That These Those There His Her Their Its "
    "Our As If When While After Before However Meanwhile Still Yet So Some Many Most".split()
)

_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s)""")
_NEXT_WORD = re.compile(r"""\s+(["'“‘(\[]*)(\S*)""")
_PREV_TOKEN = re.compile(r"""(\S+)$""")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")
_HAS_WORD = re.compile(r"\w")


# Lines that are not article prose: captions and photo credits, promos and app/newsletter pitches, bylines
# and contributor lines. Matched on the whole line (a caption's first sentence reads like prose).
_CREDIT = re.compile(
    r"\((?:[^()]*?)(?:Getty Images|AP Photo|Photo|Reuters|AFP|Image|Credit|NurPhoto|Shutterstock|iStock|"
    r"Tribune News Service|EPA|Bloomberg via|file)\b[^()]*\)\s*[.]?\s*$",
    re.IGNORECASE,
)
_LINK_LINE = re.compile(r"^\W*(?:read also|related:|more:|watch:|listen:)", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"""[.!?…]["'”’)\]]*\s*$|[”"]\s*$""")


def is_article_line(line: str) -> bool:
    """False for captions/credits, promo and link lines, bylines, headings (no sentence-final punctuation)
    and lines written in capitals."""
    text = line.strip()
    if not text:
        return False
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        return False
    if _CREDIT.search(text) or _LINK_LINE.search(text):
        return False
    return bool(_ENDS_SENTENCE.search(text))


class SentenceModel(Protocol):
    """What evidence needs from a fitted model: per-text probabilities of each task."""

    @property
    def frame_names_(self) -> list[str]: ...

    @property
    def slant_labels_(self) -> list[str]: ...

    def predict_proba_frames(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray: ...

    def predict_proba_slant(self, texts: Sequence[str]) -> np.ndarray: ...


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    end = match.end()
    nxt = _NEXT_WORD.match(text, end)
    if nxt is None:
        return True
    opener, word = nxt.group(1), nxt.group(2)
    if not word and not opener:
        return True
    first = (word or opener)[:1]
    # A new sentence starts with a capital, a digit or an opening quote/bracket.
    if not (first.isupper() or first.isdigit() or opener):
        return False
    if match.group(0)[0] != ".":
        return True  # ! ? … end sentences
    prev = _PREV_TOKEN.search(text, 0, match.start())
    if prev is None:
        return True
    token = prev.group(1).lstrip("\"'“‘([")
    if token.lower() in ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isalpha() and token.isupper():
        return False  # an initial: "John F. Kennedy"
    if _INITIALISM.match(token):  # "U.S." / "D.C." end a sentence only before a usual starter
        return word.strip("\"'“‘(") in SENTENCE_STARTERS
    return True


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences: at line breaks, and after . ! ? (plus closing quotes) followed by
    whitespace and a capital, digit or opening quote, unless the period ends an abbreviation ("Dr.",
    "Jan."), an initial ("F.") or an initialism ("U.S.") followed by a non-starter word.

    Returns stripped, non-empty pieces that contain at least one word character; each is a substring of
    ``text``.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for match in _BOUNDARY.finditer(line):
            if _is_boundary(line, match):
                sentences.append(line[start : match.end()])
                start = match.end()
        sentences.append(line[start:])
    return [s.strip() for s in sentences if _HAS_WORD.search(s)]


def article_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that are article prose, in order: from the lines that are
    (is_article_line), without the sentences that are page furniture (classifier.cues.is_furniture: a
    promo or a reprint notice at the end of a paragraph). When nothing qualifies (a very short text or
    one line without punctuation), every sentence of the text that is not furniture, else every one."""
    kept = [line for line in text.splitlines() if is_article_line(line)]
    sentences = split_sentences("\n".join(kept)) if kept else split_sentences(text)
    prose = [s for s in sentences if not is_furniture(s)]
    return prose or sentences


def _specificity(probs: np.ndarray) -> np.ndarray:
    """How much each label stands out in each sentence: its logit minus the sentence's mean logit."""
    p = np.clip(probs, 1e-6, 1 - 1e-6)
    z = np.log(p / (1 - p))
    return z - z.mean(1, keepdims=True)


def select_evidence(
    sentences: Sequence[str],
    frame_probs: np.ndarray,
    slant_probs: np.ndarray,
    frames: Sequence[str],
    slant: str,
    frame_names: Sequence[str],
    slant_labels: Sequence[str],
    k: int = DEFAULT_K,
    min_words: int = MIN_EVIDENCE_WORDS,
) -> dict[str, list[str]]:
    """Top-``k`` sentences per predicted frame and for the predicted slant, from per-sentence probabilities
    (rows = sentences), ranked by how much the label stands out in the sentence. Labels take sentences no
    other label took while there are any, one per label per round (frames first, the slant last);
    sentences shorter than ``min_words`` words are used only if nothing longer exists."""
    if not len(sentences):
        return {**{f: [] for f in frames}, SLANT_KEY: []}
    long_enough = np.array([len(s.split()) >= min_words for s in sentences])
    candidates = np.flatnonzero(long_enough) if long_enough.any() else np.arange(len(sentences))
    frame_col = {name: j for j, name in enumerate(frame_names)}
    f_spec, s_spec = _specificity(frame_probs), _specificity(slant_probs)
    scores = {f: f_spec[:, frame_col[f]] for f in frames}
    scores[SLANT_KEY] = s_spec[:, list(slant_labels).index(slant)]
    orders = {label: candidates[np.argsort(-scores[label][candidates], kind="stable")] for label in scores}
    out: dict[str, list[str]] = {label: [] for label in scores}
    used: set[int] = set()  # sentences a label took: others take them only when nothing else is left
    # in rounds, so every frame gets its best distinct sentence before any label takes a second one; the
    # frames with the clearest evidence choose first, the slant last in each round
    frames_first = sorted(
        (lab for lab in scores if lab != SLANT_KEY), key=lambda lab: -float(scores[lab][candidates].max())
    )
    for _ in range(k):
        for label in [*frames_first, SLANT_KEY]:
            open_ = [i for i in orders[label] if sentences[i] not in out[label]]
            pool = [i for i in open_ if i not in used] or open_
            if pool:
                out[label].append(sentences[pool[0]])
                used.add(int(pool[0]))
    return {**{f: out[f] for f in frames}, SLANT_KEY: out[SLANT_KEY]}


def evidence_for(
    model: SentenceModel,
    sentences: Sequence[Sequence[str]],
    frames: Sequence[Sequence[str]],
    slants: Sequence[str],
    k: int = DEFAULT_K,
    languages: Sequence[str | None] | None = None,
) -> list[dict[str, list[str]]]:
    """Evidence for many documents at once (``sentences[i]`` = the sentences of document i, in
    ``languages[i]``): all sentences are scored in one model call per task."""
    flat = [s for sents in sentences for s in sents]
    langs = None
    if languages is not None:
        langs = [lang for sents, lang in zip(sentences, languages, strict=True) for _ in sents]
    frame_probs = model.predict_proba_frames(flat, langs)
    slant_probs = model.predict_proba_slant(flat)
    out: list[dict[str, list[str]]] = []
    offset = 0
    for sents, doc_frames, doc_slant in zip(sentences, frames, slants, strict=True):
        rows = slice(offset, offset + len(sents))
        offset += len(sents)
        out.append(
            select_evidence(
                sents,
                frame_probs[rows],
                slant_probs[rows],
                doc_frames,
                doc_slant,
                model.frame_names_,
                model.slant_labels_,
                k=k,
            )
        )
    return out


def extract_evidence(
    model: SentenceModel, text: str, frames: Sequence[str], slant: str, k: int = DEFAULT_K
) -> dict[str, list[str]]:
    """Evidence for one text: top-``k`` article sentences per frame in ``frames`` and for ``slant``."""
    return evidence_for(model, [article_sentences(text)], [frames], [slant], k=k)[0]
