"""Local TCP ports: finding a free one and waiting until a process listens on one."""

import socket
import subprocess
import time

LOCALHOST = "127.0.0.1"


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def free_port(preferred: int | None = None) -> int:
    """`preferred` when nothing listens on it, else a port the kernel picks as free."""
    if preferred is not None and not port_open(LOCALHOST, preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int,
    *,
    host: str = LOCALHOST,
    timeout_s: float = 30.0,
    interval_s: float = 0.1,
    proc: subprocess.Popen[bytes] | None = None,
) -> None:
    """Return once something listens on `host:port`; fail early if `proc`, which should listen there, exited."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        if port_open(host, port):
            return
        time.sleep(interval_s)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout_s}s")
