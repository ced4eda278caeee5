"""Real servers for the tests: a SecantusDB process (unless a MongoDB URL is given) and a RabbitMQ vhost.

- `NEWSFLOW_TEST_MONGODB_URL`: use this MongoDB (e.g. a real mongod) instead of starting SecantusDB.
- `NEWSFLOW_TEST_RABBITMQ_URL`: the broker to use (default amqp://guest:guest@127.0.0.1:5672/). When
  `rabbitmqctl` is available, every run gets its own vhost, deleted afterwards, so runs sharing the
  machine's broker never see each other's queues.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "fixtures" / "seed-article.txt"
SEED_EXPECTED = SHARED / "fixtures" / "seed-article.expected.json"
CORPUS = SHARED / "corpus"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, *, timeout_s: float = 30.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s}s")


class SecantusServer:
    """A SecantusDB process on a free port, with its data in `storage` (survives stop/start)."""

    def __init__(self, storage: Path, port: int | None = None) -> None:
        self.storage = storage
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"mongodb://127.0.0.1:{self.port}"

    def start(self) -> None:
        exe = shutil.which("secantusd-py", path=str(Path(sys.executable).parent)) or "secantusd-py"
        command = [exe, "--host", "127.0.0.1", "--port", str(self.port), "--storage-path", str(self.storage)]
        with open(self.storage.parent / f"secantus-{self.port}.log", "ab") as log:  # the child keeps its copy
            self.proc = subprocess.Popen([*command, "--log-level", "WARNING"], stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, proc=self.proc)
        with MongoClient[dict[str, object]](self.url, serverSelectionTimeoutMS=20_000) as client:
            client.admin.command("ping")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
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
    given = os.environ.get("NEWSFLOW_TEST_MONGODB_URL")
    if given:
        yield given, None
        return
    with tempfile.TemporaryDirectory(prefix="newsflow-secantus-") as tmp:
        server = SecantusServer(Path(tmp) / "data")
        server.start()
        try:
            yield server.url, server
        finally:
            server.stop()


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextmanager
def rabbitmq_vhost() -> Iterator[tuple[str, str]]:
    """Yield (amqp url, vhost name) of a fresh vhost on the test broker, deleted afterwards."""
    base = os.environ.get("NEWSFLOW_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
    if shutil.which("rabbitmqctl") is None:
        yield base, urlsplit(base).path.lstrip("/") or "/"
        return
    vhost = f"newsflow-test-{uuid.uuid4().hex[:12]}"
    user = urlsplit(base).username or "guest"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    parts = urlsplit(base)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), "", "")), vhost
    finally:
        _rabbitmqctl("delete_vhost", vhost)
