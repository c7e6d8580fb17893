"""Fetch settings for tests that crawl the demo site on 127.0.0.1: the demo's, with limits a busy machine
cannot reach. On loopback a slow answer means a loaded CPU, never a fault the run should record, so the
tests wait on the answer (a condition) instead of racing a wall-clock timeout."""

from __future__ import annotations

from flows.demo import demo_fetch_settings
from flows.sources.settings import FetchSettings


def patient_fetch_settings() -> FetchSettings:
    return demo_fetch_settings().model_copy(
        update={"total_timeout_s": 600.0, "connect_timeout_s": 300.0, "extract_timeout_s": 600.0}
    )
