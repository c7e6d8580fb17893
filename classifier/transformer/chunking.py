"""Long articles, deliberately: tokenize the whole text, cut it into windows, keep a spread of them.

An article becomes up to ``max_chunks`` windows of at most ``max_length`` tokens ([CLS] + content + [SEP]).
When an article has more windows than that, windows are picked evenly across it (first and last always),
so a long article is sampled from start to end instead of silently truncated after its lead.
Sentence spans are mapped to token ranges inside each window, so evidence can be scored from the
same forward pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from classifier.cues import line_hash

TOKENIZER_FILE = "tokenizer.json"


def load_tokenizer(model_dir: str | Path) -> Tokenizer:
    """The fast tokenizer of a model directory, with truncation and padding switched off."""
    path = Path(model_dir) / TOKENIZER_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: no tokenizer.json; the base model dir needs a fast tokenizer file")
    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


@dataclass
class Chunk:
    doc: int
    input_ids: np.ndarray  # int64, with [CLS] ... [SEP]
    # (sentence index in the doc, first token, end token) inside this window's input_ids
    spans: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class ChunkedDocs:
    chunks: list[Chunk]
    n_docs: int

    def doc_index(self) -> np.ndarray:
        return np.array([c.doc for c in self.chunks], dtype=np.int64)

    @property
    def n_tokens(self) -> int:
        return int(sum(len(c.input_ids) for c in self.chunks))


def pick_windows(n_windows: int, max_chunks: int) -> list[int]:
    """Indices of the windows to keep: all if few, else evenly spread (first and last included)."""
    if n_windows <= max_chunks:
        return list(range(n_windows))
    if max_chunks == 1:
        return [0]
    return sorted({int(round(i * (n_windows - 1) / (max_chunks - 1))) for i in range(max_chunks)})


def _sentence_token_spans(
    offsets: Sequence[tuple[int, int]], sent_bounds: Sequence[tuple[int, int]]
) -> np.ndarray:
    """For each token, the index of the sentence whose character span contains its start (-1 if none)."""
    starts = np.array([o[0] for o in offsets], dtype=np.int64)
    out = np.full(len(starts), -1, dtype=np.int64)
    if not sent_bounds:
        return out
    b_start = np.array([b[0] for b in sent_bounds])
    b_end = np.array([b[1] for b in sent_bounds])
    idx = np.searchsorted(b_start, starts, side="right") - 1
    ok = (idx >= 0) & (starts < b_end[np.clip(idx, 0, None)])
    out[ok] = idx[ok]
    return out


def sentence_bounds(text: str, sentences: Sequence[str]) -> list[tuple[int, int]]:
    """Character (start, end) of each sentence in ``text`` (sentences are substrings, in order)."""
    bounds, pos = [], 0
    for s in sentences:
        start = text.find(s, pos)
        if start < 0:
            start = text.find(s)
        if start < 0:
            bounds.append((pos, pos))
            continue
        bounds.append((start, start + len(s)))
        pos = start + len(s)
    return bounds


def _ranges_of(text: str, mask: re.Pattern[str] | None, drop: frozenset[str]) -> tuple[list, list]:
    """Character ranges to collapse into one [MASK] (outlet names) and to drop (boilerplate lines)."""
    masked = [m.span() for m in mask.finditer(text)] if mask is not None else []
    dropped, pos = [], 0
    if drop:
        for line in text.splitlines(keepends=True):
            if line_hash(line.rstrip("\r\n")) in drop:
                dropped.append((pos, pos + len(line)))
            pos += len(line)
    return masked, dropped


def _filter_tokens(
    ids: np.ndarray, starts: np.ndarray, masked: list, dropped: list, mask_id: int
) -> tuple[np.ndarray, np.ndarray]:
    """Drop tokens inside ``dropped``; collapse each ``masked`` range to a single [MASK] token."""
    keep = np.ones(len(ids), dtype=bool)
    ids = ids.copy()
    for lo, hi in dropped:
        keep &= ~((starts >= lo) & (starts < hi))
    for lo, hi in masked:
        inside = np.flatnonzero((starts >= lo) & (starts < hi))
        if len(inside):
            ids[inside[0]] = mask_id
            keep[inside[1:]] = False
    return ids[keep], keep


def chunk_texts(
    tokenizer: Tokenizer,
    texts: Sequence[str],
    max_length: int = 256,
    max_chunks: int = 8,
    sentences: Sequence[Sequence[str]] | None = None,
    mask: re.Pattern[str] | None = None,
    drop: frozenset[str] = frozenset(),
) -> ChunkedDocs:
    """Window every text; with ``sentences`` (per text, substrings in order), record sentence token spans.

    ``mask`` (outlet names) and ``drop`` (boilerplate line hashes) act on tokens, so character offsets,
    and with them the evidence sentences, stay those of the original text.
    """
    if max_length < 8:
        raise ValueError("max_length must be >= 8")
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    mask_id = tokenizer.token_to_id("[MASK]")
    body = max_length - 2
    encodings = tokenizer.encode_batch(list(texts), add_special_tokens=False)
    chunks: list[Chunk] = []
    for d, enc in enumerate(encodings):
        ids = np.asarray(enc.ids, dtype=np.int64)
        starts = np.array([o[0] for o in enc.offsets], dtype=np.int64)
        masked, dropped = _ranges_of(texts[d], mask, drop)
        keep = np.ones(len(ids), dtype=bool)
        if masked or dropped:
            ids, keep = _filter_tokens(ids, starts, masked, dropped, 0 if mask_id is None else mask_id)
        n_windows = max(1, -(-len(ids) // body))
        sent_of_tok = None
        if sentences is not None:
            sent_of_tok = _sentence_token_spans(enc.offsets, sentence_bounds(texts[d], sentences[d]))[keep]
        for w in pick_windows(n_windows, max_chunks):
            lo, hi = w * body, min(len(ids), (w + 1) * body)
            window = np.concatenate([[cls_id], ids[lo:hi], [sep_id]]).astype(np.int64)
            spans: list[tuple[int, int, int]] = []
            if sent_of_tok is not None and hi > lo:
                sub = sent_of_tok[lo:hi]
                change = np.flatnonzero(np.diff(sub)) + 1
                first = np.concatenate([[0], change])
                last = np.concatenate([change, [len(sub)]])
                spans = [
                    (int(sub[a]), int(a) + 1, int(b) + 1)
                    for a, b in zip(first, last, strict=True)
                    if sub[a] >= 0
                ]
            chunks.append(Chunk(doc=d, input_ids=window, spans=spans))
    return ChunkedDocs(chunks=chunks, n_docs=len(texts))


def length_batches(
    lengths: Sequence[int], max_tokens: int, max_batch: int = 64, sort: bool = True
) -> Iterator[np.ndarray]:
    """Indices grouped so that similar lengths share a batch (little padding) under a token budget
    (padded batch size x longest item). ``sort=False`` keeps input order (the naive way, for comparison)."""
    order = np.argsort(np.asarray(lengths), kind="stable")[::-1] if sort else np.arange(len(lengths))
    batch: list[int] = []
    longest = 0
    for i in order:
        n = int(lengths[i])
        if batch and (max(longest, n) * (len(batch) + 1) > max_tokens or len(batch) >= max_batch):
            yield np.array(batch)
            batch, longest = [], 0
        batch.append(int(i))
        longest = max(longest, n)
    if batch:
        yield np.array(batch)


def pad_batch(chunks: Sequence[Chunk], pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask), int64, padded to the longest chunk."""
    width = max(len(c.input_ids) for c in chunks)
    ids = np.full((len(chunks), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(chunks), width), dtype=np.int64)
    for i, c in enumerate(chunks):
        ids[i, : len(c.input_ids)] = c.input_ids
        mask[i, : len(c.input_ids)] = 1
    return ids, mask


def boilerplate_hashes(texts: Sequence[str], min_docs: int = 5, min_chars: int = 20) -> set[str]:
    """Hashes (not text) of lines that recur in at least ``min_docs`` texts: bylines, promos, captions."""
    counts: dict[str, int] = {}
    for text in texts:
        for h in {line_hash(x) for x in text.splitlines() if len(x.strip()) >= min_chars}:
            counts[h] = counts.get(h, 0) + 1
    return {h for h, c in counts.items() if c >= min_docs}
