"""What `newsflow run` needs on a bare machine: a broker, a database, and keys kept in a local folder."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
STATE_DIR_NAME = ".newsflow"  # git-ignored; holds the local key, cursor secret and database files


class SetupError(Exception):
    """Something the user has to do; the message says exactly what."""


def state_dir(base: Path | None = None) -> Path:
    path = (base or Path.cwd()) / STATE_DIR_NAME
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def local_secret(name: str, base: Path | None = None) -> str:
    """A random secret created once and kept in `.newsflow/<name>` (mode 600)."""
    path = state_dir(base) / name
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip()


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def free_port(preferred: int) -> int:
    if not port_open("127.0.0.1", preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(host: str, port: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if port_open(host, port):
            return True
        time.sleep(0.5)
    return False


def ensure_rabbitmq(url: str, say: "Say") -> None:
    """Start RabbitMQ if it is installed but stopped; install it (Debian package) when absent and root."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5672
    if port_open(host, port):
        return
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SetupError(f"RabbitMQ at {host}:{port} does not answer; start it or fix NEWSFLOW_RABBITMQ_URL")
    if shutil.which("rabbitmq-server") is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            raise SetupError(
                "RabbitMQ is not installed. Install it with `sudo apt-get install rabbitmq-server` "
                "(or point NEWSFLOW_RABBITMQ_URL at a running broker), then run this again."
            )
        say("installing rabbitmq-server (Debian package)…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "rabbitmq-server"], check=True, env=env)
    say("starting RabbitMQ (rabbitmq-server -detached)…")
    subprocess.run(["rabbitmq-server", "-detached"], check=False)
    if not _wait_port(host, port, 90):
        raise SetupError("RabbitMQ did not start within 90 s; see /var/log/rabbitmq/")


def start_secantus(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """SecantusDB, a MongoDB-wire-protocol server, standing in for mongod on machines without one."""
    exe = shutil.which("secantusd-py", path=str(Path(sys.executable).parent)) or shutil.which("secantusd-py")
    if exe is None:
        raise SetupError("no MongoDB configured and SecantusDB is not installed: run `make install` first")
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir.parent / "secantus.log", "ab") as log:  # the child keeps its own descriptor
        command = [exe, "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(data_dir)]
        proc = subprocess.Popen([*command, "--log-level", "WARNING"], stdout=log, stderr=subprocess.STDOUT)
    if not _wait_port("127.0.0.1", port, 30):
        proc.kill()
        raise SetupError(f"SecantusDB did not start; see {data_dir.parent / 'secantus.log'}")
    return proc


class Say:
    """Progress messages to stderr, so stdout carries only documents."""

    def __call__(self, message: str) -> None:
        print(f"newsflow: {message}", file=sys.stderr, flush=True)
