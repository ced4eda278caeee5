"""RabbitMQ for local runs: started (or installed) for `newsflow run`, a private vhost per test run.

`NEWSFLOW_TEST_RABBITMQ_URL` names the broker the tests and benchmarks use (default: the machine's own,
guest/guest). When `rabbitmqctl` is available every run gets its own vhost, deleted afterwards, so runs
sharing the machine's broker never see each other's queues.
"""

import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit, urlunsplit

from devstack.errors import SetupError
from devstack.ports import port_open, wait_for_port

DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
START_TIMEOUT_S = 90.0


def rabbitmqctl(*args: str) -> str:
    """Run `rabbitmqctl -q ARGS` and return what it printed (raises if it failed)."""
    done = subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True, timeout=60)
    return done.stdout


def ensure_rabbitmq(url: str, say: Callable[[str], None]) -> None:
    """Start RabbitMQ if it is installed but stopped; install it (Debian package) when absent and root."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5672
    if port_open(host, port):
        return
    if host not in LOCAL_HOSTS:
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
    try:
        wait_for_port(port, host=host, timeout_s=START_TIMEOUT_S, interval_s=0.5)
    except TimeoutError:
        raise SetupError(f"RabbitMQ did not start within {START_TIMEOUT_S:.0f} s; see /var/log/rabbitmq/") from None


@contextmanager
def rabbitmq_vhost() -> Iterator[tuple[str, str]]:
    """Yield (amqp url, vhost name) of a fresh vhost on the test broker, deleted afterwards."""
    base = os.environ.get("NEWSFLOW_TEST_RABBITMQ_URL", DEFAULT_URL)
    if shutil.which("rabbitmqctl") is None:
        yield base, urlsplit(base).path.lstrip("/") or "/"
        return
    vhost = f"newsflow-test-{uuid.uuid4().hex[:12]}"
    user = urlsplit(base).username or "guest"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    parts = urlsplit(base)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), "", "")), vhost
    finally:
        rabbitmqctl("delete_vhost", vhost)
