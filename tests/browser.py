"""Headless Chromium for the browser tests (the labeling page, the report): which binary, how it starts,
and the reason a test gives when there is none."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = os.environ.get("FRAMEWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HAS_CHROMIUM = bool(Path(CHROMIUM).exists() or shutil.which(CHROMIUM))
NO_CHROMIUM = (
    f"no Chromium at {CHROMIUM}: run `sudo bash tests/setup_browser.sh` (installs Debian's chromium) "
    "or set FRAMEWATCH_CHROMIUM"
)
