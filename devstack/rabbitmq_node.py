"""A private RabbitMQ node with the management plugin, for tests of what goes through the management HTTP API.

The machine's broker may run without the management plugin, and enabling it there would change a server
other runs share; so a node of its own is started from the installed RabbitMQ, on free ports, with its data,
logs and Erlang cookie in a temporary directory, and stopped (its directory removed) afterwards. It starts in
10 to 30 seconds, so tests share one per session.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack.ports import LOCALHOST, free_port

# Debian's /usr/sbin/rabbitmq-server switches to the rabbitmq user (whose files ours are not) and detaches;
# the script behind it runs the node in the foreground as whoever calls it, so the node is our child.
DEBIAN_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class ManagementNode:
    amqp_url: str  # guest, default vhost
    management_url: str
    admin: tuple[str, str]


def server_command() -> str | None:
    """The script that runs a node in the foreground, None when RabbitMQ is not installed."""
    if DEBIAN_SERVER.exists():
        return str(DEBIAN_SERVER)
    return shutil.which("rabbitmq-server")


def _ready(management_url: str, admin: tuple[str, str]) -> bool:
    try:
        # /api/overview answers once the management plugin is up, which starts after the AMQP listener.
        return httpx.get(f"{management_url}/api/overview", auth=admin, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def management_node() -> Iterator[ManagementNode]:
    """Start a throw-away node with the management API; yield its addresses; stop it and remove its files."""
    command = server_command()
    if command is None:
        raise RuntimeError("RabbitMQ is not installed (no rabbitmq-server)")
    amqp_port, management_port, dist_port = free_port(), free_port(), free_port()
    home = Path(tempfile.mkdtemp(prefix="newsflow-rabbitmq-node-"))
    (home / "enabled_plugins").write_text("[rabbitmq_management].\n", encoding="utf-8")
    (home / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = {LOCALHOST}:{amqp_port}\n"
        f"management.tcp.ip = {LOCALHOST}\nmanagement.tcp.port = {management_port}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        # Its own Erlang cookie (written in HOME on first start), so no other node's or CLI's is touched.
        "HOME": str(home),
        "RABBITMQ_NODENAME": f"newsflow-test-{uuid.uuid4().hex[:8]}@localhost",
        "RABBITMQ_DIST_PORT": str(dist_port),
        "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
        "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
        "RABBITMQ_LOG_BASE": str(home / "log"),
        "RABBITMQ_PID_FILE": str(home / "node.pid"),
    }
    # The AMQP port given in the configuration only: RABBITMQ_NODE_PORT as well would open it twice.
    env.pop("RABBITMQ_NODE_PORT", None)
    admin = ("guest", "guest")  # the default user, allowed from localhost only
    management_url = f"http://{LOCALHOST}:{management_port}"
    node = subprocess.Popen(
        [command], env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(management_url, admin):
            if node.poll() is not None:
                raise RuntimeError(f"the RabbitMQ node exited with {node.returncode}; see its log in {home}/log")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the RabbitMQ node did not start within {START_TIMEOUT_S:.0f} s")
            time.sleep(0.5)
        yield ManagementNode(f"amqp://guest:guest@{LOCALHOST}:{amqp_port}/", management_url, admin)
    finally:
        # SIGTERM stops a node cleanly; its session (the script, the Erlang VM, epmd helpers) goes with it.
        try:
            os.killpg(node.pid, signal.SIGTERM)
            node.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(node.pid, signal.SIGKILL)
            node.wait()
        except ProcessLookupError:
            pass
        shutil.rmtree(home, ignore_errors=True)
