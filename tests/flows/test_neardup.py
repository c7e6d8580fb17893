"""Near-duplicates: a syndicated wire copy is linked to the original (not dropped), unrelated stories
are not, exact copies are dropped but still counted, and stored signatures rebuild the index."""

from __future__ import annotations

from datetime import date, datetime

from flows.sources.dedup import content_hash, dedupe_and_link
from flows.sources.neardup import MinHashConfig, NearDupIndex, signature, similarity
from tests.flows.pages import paragraphs

WIRE = " ".join(paragraphs(11, n=6))


def row(aid: str, text: str, outlet: str, day: int = 2) -> dict:
    return {
        "article_id": aid,
        "outlet_id": outlet,
        "url": f"https://{outlet}/{aid}",
        "text": text,
        "content_hash": content_hash(text),
        "published": date(2026, 11, day),
        "fetched_at": datetime(2026, 11, day, 12),
    }


def reprint(text: str) -> str:
    """What a member paper does to a wire story: its own dateline, a trimmed last sentence."""
    return "SPRINGFIELD (AP) \u2014 " + text.rsplit(".", 2)[0] + ". Staff contributed to this report."


def test_syndicated_copy_is_linked_not_dropped():
    cfg = MinHashConfig()
    original, copy = row("orig", WIRE, "apnews.com", day=1), row("copy", reprint(WIRE), "local.example")
    other = row("other", " ".join(paragraphs(99, n=6)), "local.example")
    out = dedupe_and_link([copy, other, original], {}, NearDupIndex(cfg), run_id="r1")
    assert {r["article_id"] for r in out.fresh} == {"orig", "copy", "other"}  # nothing dropped
    assert [(lk["article_id"], lk["linked_article_id"], lk["relation"]) for lk in out.links] == [
        ("copy", "orig", "near_duplicate")
    ]
    assert out.links[0]["cluster_id"] == "orig" and out.links[0]["similarity"] >= cfg.threshold
    assert out.near_duplicates == 1 and len(out.signatures) == 3
    assert similarity(signature(WIRE, cfg), signature(" ".join(paragraphs(99, n=6)), cfg)) < 0.2


def test_exact_copy_is_dropped_and_linked_to_the_cluster():
    index = NearDupIndex()
    first = dedupe_and_link(
        [row("orig", WIRE, "apnews.com", 1), row("copy", reprint(WIRE), "b.example")], {}, index
    )
    assert len(first.fresh) == 2
    hashes = {r["content_hash"]: r["article_id"] for r in first.fresh}
    # next run: a third outlet runs the member paper's copy word for word
    again = dedupe_and_link([row("copy2", reprint(WIRE), "c.example", 3)], hashes, index, run_id="r2")
    assert again.fresh == [] and again.exact_duplicates == 1
    (link,) = again.links
    assert (link["article_id"], link["linked_article_id"], link["relation"]) == (
        "copy2",
        "copy",
        "exact_duplicate",
    )
    assert link["cluster_id"] == "orig" and link["outlet_id"] == "c.example"


def test_index_from_stored_signatures_links_across_runs():
    cfg = MinHashConfig()
    stored = [("orig", "orig", [int(v) for v in signature(WIRE, cfg)])]
    index = NearDupIndex.from_rows(stored, cfg)
    out = dedupe_and_link([row("later", reprint(WIRE), "d.example", 5)], {}, index)
    assert [(lk["linked_article_id"], lk["cluster_id"]) for lk in out.links] == [("orig", "orig")]


def test_short_texts_get_no_signature():
    assert signature("too short to shingle", MinHashConfig()) is None
    out = dedupe_and_link([row("s", "tiny text", "e.example")], {}, NearDupIndex())
    assert out.fresh and out.signatures == [] and out.links == []


def test_signatures_and_bands_are_datasketchs(tmp_path):
    """Signatures stored by versions that used datasketch stay comparable: ours equal its MinHash
    ("affine32") bit for bit on real articles, its LSH chooses the same bands, and an index finds the same
    candidates for each query as its MinHashLSH."""
    import os
    from pathlib import Path

    import numpy as np
    import pandas as pd
    from datasketch import LeanMinHash, MinHash, MinHashLSH
    from datasketch.lsh import _optimal_param

    from flows.sources.neardup import lsh_bands, shingles

    data = Path(os.environ.get("FRAMEWATCH_DATA_DIR", Path(__file__).parents[3] / "shared" / "data"))
    files = [data / "allsides_slant.parquet"]
    texts = (
        pd.read_parquet(files[0], columns=["text"])["text"].sample(300, random_state=3).tolist()
        if files[0].exists()
        else [" ".join(paragraphs(i, n=4)) for i in range(300)]
    )
    texts += [WIRE, reprint(WIRE), reprint(reprint(WIRE))]
    cfg = MinHashConfig()
    sigs = {}
    for i, text in enumerate(texts):
        theirs = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme=cfg.scheme)
        theirs.update_batch(list(shingles(text, cfg.shingle_words)))
        ours = signature(text, cfg)
        assert ours is not None and ours.dtype == np.uint64
        assert np.array_equal(ours, np.asarray(theirs.hashvalues, dtype=np.uint64)), i
        sigs[f"a{i}"] = ours
    for threshold, num_perm in ((0.7, 128), (0.5, 128), (0.9, 64), (0.3, 256)):
        assert lsh_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)
    index, lsh = NearDupIndex(cfg), MinHashLSH(threshold=cfg.threshold, num_perm=cfg.num_perm)
    for key, sig in sigs.items():
        index.add(key, sig)
        lsh.insert(key, LeanMinHash(seed=cfg.seed, hashvalues=sig, scheme=cfg.scheme))
    for key, sig in sigs.items():
        found = set(lsh.query(LeanMinHash(seed=cfg.seed, hashvalues=sig, scheme=cfg.scheme)))
        assert found == set(index.candidates(sig)), key
    wire = [f"a{len(texts) - k}" for k in (3, 2, 1)]  # the wire story and its two reprints
    assert index.best_match(sigs[wire[1]], exclude=wire[1])[0] in {wire[0], wire[2]}
