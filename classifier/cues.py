"""Outlet cues stripped from a text before slant sees it: outlet names and domains, bylines and author
bios, datelines ("WASHINGTON (AP) —", "(CNN) --"), photo credits, section tags ("ANALYSIS/OPINION:"),
newsletter and app promos, links and handles, and house boilerplate (lines that recur across many
training articles). AllSides labels are outlet labels: a model that can see who published an article
learns the outlet, not the slant, and fails on outlets it never saw. A behavioural test checks that
inserting or swapping outlet names barely moves a prediction."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

PROMO = re.compile(
    r"sign(?:ing)?[ -]up|newsletter|subscri(?:be|ption)|copyright|©|all rights reserved|click here|"
    r"contributed to this report|^contributing:|reprint|advertisement|enlarge this image|toggle caption|"
    r"getty images|\bap photo|\bphoto:|photo by|\bimage \d+ of \d+|read more|continue reading|"
    r"story continued|more on this|^related:|^recommended:|^watch:|^listen:|\bapp\b.*download|"
    r"download (?:the|our) app|get the .{0,30}app|share this|share tweet|tip from|email (?:us|me) at|"
    r"reached (?:at|via)|reader[- ]supported|support (?:our|independent|progressive|\w+’s|\w+'s)|donate|"
    r"paywall|opinions expressed|views expressed|editor[’']?s note|originally (?:published|appeared)|"
    r"rush transcript|^loading|in your inbox|delivered (?:daily|weekday|to your)|terms of (?:use|service)|"
    r"privacy policy|verify you're not a robot",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^(?:by|written by|reporting by|posted by|updated|published|posted)\b", re.IGNORECASE)
BIO = re.compile(
    r"\b(?:is|was|are) (?:a|an|the)\b[^.]{0,100}\b(?:columnist|editor|writer|contributor|correspondent|"
    r"reporter|fellow|author|professor|president|host|director|anchor|analyst|commentator)\b",
    re.IGNORECASE,
)
SOCIAL = re.compile(
    r"\bfollow (?:us|@|him|her|them|\w+ on)|on twitter|on facebook|on instagram|twitter\.com", re.IGNORECASE
)
SENTENCE_END = re.compile(r"[.?!\"”’'»)]\s*$")
DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{1,40}(?:\s*\([A-Za-z .&]{1,30}\))?\s*(?:[-—–]{1,2}|:)\s+")
PAREN_DATELINE = re.compile(r"^\s*\([A-Za-z .&]{0,30}\)\s*(?:[-—–]{1,2}|:)?\s*")
CREDIT_PAREN = re.compile(
    r"\([^()]{0,80}?(?:Photo|Image|Getty|\bAP\b|AFP|Reuters|Credit|Courtesy|[A-Za-z]/[A-Z])[^()]{0,80}?\)"
)
CREDIT_INLINE = re.compile(
    r"\b(?:AP|AFP|Reuters|Getty|EPA|Bloomberg)\s*(?:Photo|Images?)\b"
    r"(?:\s*/\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})?"
)
TAG = re.compile(
    r"^\s*(?:ANALYSIS|OPINION|EDITORIAL|COMMENTARY|EXCLUSIVE|BREAKING|WATCH|VIDEO|OP-ED|COLUMN|LIVE|"
    r"UPDATE[D]?|Analysis|Opinion|Editorial|Commentary|Exclusive|Op-Ed|Column|Perspective|Breaking|Watch|"
    r"Video|Live|Update[d]?)(?:\s*[/&|]\s*[A-Za-z-]+)*\s*[:|—–-]\s*"
)
WEB = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|(?<!\w)@\w+|\bpic\.twitter\.com/\S+")
SPACES = re.compile(r"[ \t\u00a0]+")


def line_hash(line: str) -> str:
    """sha1 of the whitespace-normalised, lower-cased line (house boilerplate is kept as hashes)."""
    return hashlib.sha1(" ".join(line.split()).lower().encode("utf-8")).hexdigest()[:16]


def lines_of(text: str) -> list[str]:
    return [x for x in text.splitlines() if x.strip()]


def clean_line(line: str, is_title: bool, is_tail: bool, names: re.Pattern[str] | None) -> str:
    """The line without outlet cues, or '' when the whole line is a cue. Titles are cleaned, never dropped."""
    s = line.strip()
    if not s:
        return ""
    words = len(s.split())
    if not is_title:
        if words < 60 and PROMO.search(s):  # newsletter, promo, copyright, credit lines
            return ""
        if words < 15 and (BYLINE.match(s) or " | " in s or SOCIAL.search(s)):  # bylines, "X | Outlet"
            return ""
        if words < 8 and not SENTENCE_END.search(s):  # captions, section heads, names, "USA TODAY"
            return ""
        if s[0] in "—–" or (is_tail and words < 60 and BIO.search(s)):  # author bios at the end
            return ""
    s = TAG.sub("", s)
    s = DATELINE.sub("", s)
    s = PAREN_DATELINE.sub("", s)
    s = CREDIT_PAREN.sub(" ", s)
    s = CREDIT_INLINE.sub(" ", s)
    s = WEB.sub(" ", s)
    if names is not None:
        s = names.sub(" ", s)
    return SPACES.sub(" ", s).strip()


def clean_lines(
    text: str, names: re.Pattern[str] | None, boilerplate: frozenset[str] = frozenset()
) -> list[str]:
    """The non-empty lines of a model text (title + newline + body) without outlet cues; house boilerplate
    lines (by hash) dropped."""
    lines = lines_of(text)
    n, out = len(lines), []
    for i, line in enumerate(lines):
        if i > 0 and len(line.strip()) >= 20 and line_hash(line) in boilerplate:
            continue
        cleaned = clean_line(line, i == 0, i >= n - 3, names)
        if cleaned:
            out.append(cleaned)
    return out


def strip_cues(text: str, names: re.Pattern[str] | None, boilerplate: frozenset[str] = frozenset()) -> str:
    return "\n".join(clean_lines(text, names, boilerplate))


def house_boilerplate(texts: Iterable[str], min_docs: int = 5, min_chars: int = 20) -> frozenset[str]:
    """Hashes of body lines (>= `min_chars`) that recur in >= `min_docs` of the training texts."""
    counts: dict[str, int] = {}
    for text in texts:
        for h in {line_hash(x) for x in lines_of(text)[1:] if len(x.strip()) >= min_chars}:
            counts[h] = counts.get(h, 0) + 1
    return frozenset(h for h, c in counts.items() if c >= min_docs)
