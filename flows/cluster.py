"""Dask for the `dask` runner: a task runner for an existing cluster (`--address`), or a temporary local
cluster for one run. Workers report task states to the same Prefect API as the flow: a temporary local
cluster is told the flow's API URL; workers of a cluster you started need PREFECT_API_URL set (see the
README, "Scale-out")."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from prefect.context import FlowRunContext

from flows.params import RunnerParams

if TYPE_CHECKING:
    from distributed import LocalCluster

log = logging.getLogger(__name__)


def flow_api_url() -> str:
    """The API this process's flows report to (a real server, or the temporary one, started if need be)."""
    ctx = FlowRunContext.get()
    if ctx is not None and ctx.client is not None:
        return str(ctx.client.api_url)
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return str(client.api_url)


@contextmanager
def cluster_for(runner: RunnerParams) -> Iterator[RunnerParams]:
    """`runner` itself, or for kind=dask without an address a copy pointing at a temporary local cluster
    (processes, one thread each) that lives as long as the `with` block."""
    if runner.kind != "dask" or runner.address:
        yield runner
        return
    with local_cluster(runner.n_workers, flow_api_url()) as cluster:
        log.info("temporary Dask cluster at %s with %d workers", cluster.scheduler_address, runner.n_workers)
        yield runner.model_copy(update={"address": cluster.scheduler_address})


@contextmanager
def local_cluster(n_workers: int, api_url: str) -> Iterator[LocalCluster]:
    """A temporary local Dask cluster (processes, one thread each) whose workers report task states to
    the Prefect API at `api_url`."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.WARNING,
        env={"PREFECT_API_URL": api_url},
    ) as cluster:
        yield cluster


def on_runner(flow_obj: Any, runner: RunnerParams) -> Any:
    """The flow as it should run for `runner`: unchanged, or with a DaskTaskRunner on runner.address."""
    if runner.kind != "dask":
        return flow_obj
    from prefect_dask import DaskTaskRunner

    return flow_obj.with_options(task_runner=DaskTaskRunner(address=runner.address))
