"""Who may label: a configured list of annotator names (FRAMEWATCH_LABEL_ANNOTATORS or
`label serve --annotator`). A name typed on the page is accepted only when it is on the list."""

from __future__ import annotations

import re
from collections.abc import Iterable

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,39}$")


class AnnotatorError(ValueError):
    """An annotator list that cannot be used; the message says which name and what to do."""


def check_names(names: Iterable[str]) -> list[str]:
    """The names, in order and without repeats; AnnotatorError naming the first unusable one."""
    out: list[str] = []
    for name in names:
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise AnnotatorError(
                f"annotator name {name!r} is not usable: 1-40 characters, letters, digits, space, . _ @ -, "
                "starting with a letter or digit"
            )
        if name not in out:
            out.append(name)
    return out


def require(names: Iterable[str]) -> list[str]:
    """A non-empty checked list, or AnnotatorError saying how to configure one."""
    checked = check_names(names)
    if not checked:
        raise AnnotatorError(
            "no annotators configured: pass --annotator NAME (repeat for each person) or set "
            "FRAMEWATCH_LABEL_ANNOTATORS=alice,bob; only those names can label on the page"
        )
    return checked
