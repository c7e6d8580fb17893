"""Numbers in words that do not contradict them: a slant score near zero reads as near zero, a frame an
outlet uses more than the others reads as the two shares and the gap in points (a ratio of two small shares,
2% against 1%, is large and means little). The report's story pages and `framewatch story` both use it."""

from __future__ import annotations

NEAR_ZERO = 0.15  # |slant score| under this reads "near zero"
CLEAR = 0.5  # at or over this, "left" / "right"; between, "leans left" / "leans right"
MIN_POINTS = 0.05  # a frame is emphasised when its share is at least this much above the others'


def slant_words(score: float | None) -> str:
    """-0.44 -> 'leans left', +0.07 -> 'near zero', -0.8 -> 'left'."""
    if score is None:
        return "no score"
    if abs(score) < NEAR_ZERO:
        return "near zero"
    side = "left" if score < 0 else "right"
    return side if abs(score) >= CLEAR else f"leans {side}"


def slant_side(score: float | None) -> str:
    """The colour a score is shown in: left, right, or center when it is near zero (or missing)."""
    if score is None or abs(score) < NEAR_ZERO:
        return "center"
    return "left" if score < 0 else "right"


def slant_line(score: float | None) -> str:
    """'score -0.44 (leans left; -1 left .. +1 right)'."""
    if score is None:
        return "no score"
    return f"score {score:+.2f} ({slant_words(score)}; -1 left .. +1 right)"


def emphasised(share: float, others_share: float | None) -> bool:
    """True when an outlet's share of a frame is at least MIN_POINTS above the other coverage's."""
    return others_share is not None and share - others_share >= MIN_POINTS


def share_gap(share: float, others_share: float | None) -> str:
    """'10% vs 4% (+6 points)'; '41%' without other coverage."""
    if others_share is None:
        return f"{share:.0%}"
    gap = round(100 * share) - round(100 * others_share)
    return f"{share:.0%} vs {others_share:.0%} ({gap:+d} points)"
