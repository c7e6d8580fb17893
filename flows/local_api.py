"""Which local Prefect API a command's flows run on, chosen once per process, as early as the command knows
it will run a flow: the server an earlier command kept (flows.kept_api), else one started now, kept for
the next commands or (FRAMEWATCH_API_KEEP_S=0) the command's own temporary server (flows.temporary_api).
Nothing is started when a server is configured (PREFECT_API_URL) or Prefect has already read its
settings in this process (tests under `prefect_test_harness`)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from flows import kept_api
from flows.temporary_api import TemporaryAPI

log = logging.getLogger(__name__)

_STARTED: TemporaryAPI | None = None  # the server this process started, if any


def started() -> TemporaryAPI | None:
    """The server this process started or chose (start_early), if any."""
    return _STARTED


def start_early(db_cache: Path | None = None, keep_s: float = 0) -> Callable[[], None] | None:
    """Start the temporary server now when this process will need one and Prefect is not imported yet;
    returns the function to call before the first flow (it waits until the server answers), or None when
    Prefect's own mechanism applies (a server is configured, or Prefect already read its settings).
    `db_cache`: FlowSettings.prefect_db_cache (flows.prefect_db). `keep_s` > 0 (FlowSettings.api_keep_s):
    use the server an earlier command on the same PREFECT_HOME kept, or start one that stays that long
    after the last command that used it (flows.kept_api), where the platform allows (POSIX)."""
    global _STARTED
    if _STARTED is not None:  # started at the program's entry (framewatch.entry): the same server
        return _STARTED.wait
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None
    if os.environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "true").lower() in ("0", "false", "no"):
        return None
    api = (
        kept_api.KeptAPI(keep_s, db_cache) if keep_s > 0 and kept_api.supported() else TemporaryAPI(db_cache)
    )
    try:
        api.start()
    except (OSError, RuntimeError):
        log.warning("could not start the temporary Prefect API early; Prefect starts its own", exc_info=True)
        os.environ.pop("PREFECT_API_URL", None)
        return None
    _STARTED = api
    return api.wait
