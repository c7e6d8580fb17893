"""The suite's schedule (tests/conftest.py): the heaviest files named there exist, and they are handed out
first, whole, with each file's tests in their order."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import HEAVIEST_FIRST, REPO, pytest_collection_modifyitems


class _Item:
    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


def test_every_file_named_heaviest_first_exists_once() -> None:
    assert len(set(HEAVIEST_FIRST)) == len(HEAVIEST_FIRST)
    missing = [p for p in HEAVIEST_FIRST if not (REPO / Path(p)).is_file()]
    assert not missing, f"renamed or removed test files still listed in HEAVIEST_FIRST: {missing}"


def test_heavy_files_go_first_whole_and_the_rest_keep_their_order() -> None:
    light_a, light_b = "tests/test_a.py::t1", "tests/test_b.py::t1"
    heavy = [f"{HEAVIEST_FIRST[1]}::one", f"{HEAVIEST_FIRST[1]}::two", f"{HEAVIEST_FIRST[0]}::only"]
    items = [_Item(n) for n in (light_a, heavy[0], light_b, heavy[2], heavy[1])]
    pytest_collection_modifyitems(None, items)  # type: ignore[arg-type]
    assert [i.nodeid for i in items] == [heavy[2], heavy[0], heavy[1], light_a, light_b]
