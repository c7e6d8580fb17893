"""Stand-in extractor targets for the worker-pool tests (run inside worker processes)."""

from __future__ import annotations

import os
import time
from typing import Any


def misbehaving(html: str, url: str) -> dict[str, Any]:
    """Hangs, crashes, or eats memory when the page asks it to; otherwise answers at once."""
    if "HANG" in html:
        time.sleep(3600)
    if "CRASH" in html:
        os._exit(7)
    if "MEMORY" in html:
        hog = bytearray(4 * 1024 * 1024 * 1024)  # past the worker's address-space cap
        return {"len": len(hog)}
    if "FAIL" in html:
        raise ValueError("parser choked")
    return {
        "title": "ok",
        "byline": None,
        "published": None,
        "language": "en",
        "canonical_url": None,
        "text": f"stand-in text for {url} " * 10,
        "paywall": None,
        "pid": os.getpid(),
    }
