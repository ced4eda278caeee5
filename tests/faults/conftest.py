"""Fault-suite fixtures: per scenario a private vhost, a database server the test may stop, and the pipeline."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.pipeline import RunningPipeline, running_pipeline
from devstack.secantus import SecantusServer, secantus_server
from tests.faults.audit import Observer

# The NLP does about ten articles a second per worker on two cores; two workers keep a scenario short.
WORKERS = 2


@pytest.fixture
def database_server(tmp_path: Path) -> Iterator[SecantusServer | None]:
    """A SecantusDB process of this test's own (None when NEWSFLOW_TEST_MONGODB_URL names an external one)."""
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("fault tests need rabbitmqctl: they close connections of their own vhost only")
    if os.environ.get("NEWSFLOW_TEST_MONGODB_URL"):
        yield None
        return
    with secantus_server(tmp_path / "data") as server:
        yield server


@pytest.fixture
def pipeline(database_server: SecantusServer | None, tmp_path: Path) -> Iterator[RunningPipeline]:
    url = database_server.url if database_server is not None else os.environ["NEWSFLOW_TEST_MONGODB_URL"]
    with running_pipeline(url, tmp_path / "logs", workers=WORKERS) as running:
        yield running


@pytest.fixture
def observer(pipeline: RunningPipeline) -> Iterator[Observer]:
    watching = Observer(mongodb_url=pipeline.mongodb_url, database=pipeline.database, vhost=pipeline.vhost)
    yield watching
    watching.close()
