"""SecantusDB, a MongoDB-wire-protocol server, standing in for mongod on machines without one.

`newsflow run` keeps one in `.newsflow/mongodb`; the tests and the benchmark start their own in a temporary
folder, unless `NEWSFLOW_TEST_MONGODB_URL` names a MongoDB to use instead (e.g. a real mongod).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pymongo import MongoClient

from devstack.errors import SetupError
from devstack.ports import LOCALHOST, free_port, wait_for_port

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
GIB = 1024**3


def cache_size() -> str:
    """The WiredTiger cache a mongod would take on this machine: half of (memory - 1 GiB), at least 256 MiB.

    SecantusDB's own default is 1 GiB whatever the machine. Past about 5,000 stored articles (half a GiB of
    documents and index entries) its writes then spend their time evicting pages: `newsflow import` fell from
    20 articles/s to under one. WiredTiger takes the cache as it needs it, so a large setting costs a small
    database nothing.
    """
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(256 * 1024**2, (memory - GIB) // 2) // 1024**2}M"


class SecantusServer:
    """A SecantusDB process on `port` (default: a free one) with its data in `storage`, which survives stop/start.

    Its log goes to `secantus.log` beside `storage`.
    """

    def __init__(self, storage: Path, port: int | None = None) -> None:
        self.storage = storage
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"mongodb://{LOCALHOST}:{self.port}"
        self.log_path = storage.parent / "secantus.log"

    def start(self) -> None:
        """Start it and return once it answers a ping."""
        exe = shutil.which("secantusd-py", path=str(Path(sys.executable).parent)) or shutil.which("secantusd-py")
        if exe is None:
            raise SetupError("no MongoDB configured and SecantusDB is not installed: run `make install` first")
        self.storage.mkdir(parents=True, exist_ok=True)
        command = [exe, "--host", LOCALHOST, "--port", str(self.port), "--storage-path", str(self.storage)]
        command += ["--cache-size", cache_size()]
        with open(self.log_path, "ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen([*command, "--log-level", "WARNING"], stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, proc=self.proc, timeout_s=START_TIMEOUT_S)
        except (RuntimeError, TimeoutError) as exc:
            self.stop()
            raise SetupError(f"SecantusDB did not start ({exc}); see {self.log_path}") from exc
        with MongoClient[dict[str, object]](self.url, serverSelectionTimeoutMS=20_000) as client:
            client.admin.command("ping")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@contextmanager
def secantus_server(storage: Path) -> Iterator[SecantusServer]:
    """A SecantusDB process of the caller's own (which it may stop, pause and start again), stopped afterwards."""
    server = SecantusServer(storage)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def mongodb_server() -> Iterator[tuple[str, SecantusServer | None]]:
    """(url, server) of the MongoDB for tests and benchmarks: `NEWSFLOW_TEST_MONGODB_URL` (server None), else a
    SecantusDB in a temporary folder, deleted afterwards."""
    given = os.environ.get("NEWSFLOW_TEST_MONGODB_URL")
    if given:
        yield given, None
        return
    with tempfile.TemporaryDirectory(prefix="newsflow-secantus-") as tmp, secantus_server(Path(tmp) / "data") as server:
        yield server.url, server
