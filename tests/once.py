"""A costly fixture built once per test run, also when pytest-xdist spreads the suite over workers.

Each worker is its own process with its own session fixtures: a session fixture that trains a model would
train it once per worker. `built_once` builds into a folder every worker of the run shares (beside the
workers' own temp folders), under a file lock: the first worker builds, the others wait on the lock and
read what it wrote. Each worker gets its own copy, so a test may write beside it (promote a version) without
touching another worker's. Without xdist it simply builds into a temp folder of the session."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], str]
) -> tuple[Path, str]:
    """(folder, value): `build(folder)` fills an empty folder and returns a short value (a version)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        return folder, build(folder)
    shared = tmp_path_factory.getbasetemp().parent / f"built-once-{name}"
    done = shared.with_suffix(".json")
    with FileLock(str(shared.with_suffix(".lock"))):
        if not done.exists():  # the first worker here builds; a worker whose build failed leaves no marker
            shutil.rmtree(shared, ignore_errors=True)
            shared.mkdir()
            done.write_text(json.dumps({"value": build(shared)}), encoding="utf-8")
    own = tmp_path_factory.mktemp(name) / name
    shutil.copytree(shared, own)
    return own, json.loads(done.read_text(encoding="utf-8"))["value"]
