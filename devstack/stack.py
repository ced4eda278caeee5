"""Service processes: the same commands docker-compose.yml runs, started side by side with one environment.

Used by `newsflow run`, by the end-to-end and fault tests, and by the benchmark, so all of them exercise
exactly what the compose services run.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.ports import LOCALHOST, free_port

# Compose runs `python -m services.<name>`; tests/unit/test_compose.py checks the two stay identical.
SERVICE_MODULES = {"ingest": "services.ingest", "enrich": "services.enrich", "query": "services.query"}

# Docker's grace period between SIGTERM and SIGKILL.
STOP_GRACE_S = 10.0


def service_command(service: str) -> list[str]:
    return [sys.executable, "-m", SERVICE_MODULES[service]]


@dataclass
class ServiceProcess:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path | None = None
    # Its Prometheus endpoint: an HTTP service's own port, a worker's NEWSFLOW_METRICS_PORT.
    metrics_url: str | None = None

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def signal(self, signum: int) -> None:
        if self.running:
            self.proc.send_signal(signum)

    def stop(self, timeout_s: float = STOP_GRACE_S) -> int:
        """SIGTERM, then SIGKILL after `timeout_s` like Docker does; returns the exit code."""
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


@dataclass
class Stack:
    """Service processes sharing one environment (broker, database, keys)."""

    env: Mapping[str, str]
    log_dir: Path | None = None
    # With `log_dir`: each process writes its JSON log lines to `<name>.log` itself, rotated (NEWSFLOW_LOG_FILE),
    # and only what it prints outside logging (a configuration error, a crash) goes to `<name>.out`.
    rotated_logs: bool = False
    processes: list[ServiceProcess] = field(default_factory=list)

    def start(
        self, service: str, *, extra_env: Mapping[str, str] | None = None, name: str | None = None
    ) -> ServiceProcess:
        name = name or f"{service}-{sum(p.name.startswith(service) for p in self.processes) + 1}"
        env = {**os.environ, **self.env, **(extra_env or {})}
        if service == "enrich" and not {**self.env, **(extra_env or {})}.get("NEWSFLOW_METRICS_PORT"):
            env["NEWSFLOW_METRICS_PORT"] = str(free_port())  # each worker process a port of its own
        port = env.get("NEWSFLOW_METRICS_PORT") if service == "enrich" else env.get("NEWSFLOW_PORT")
        log_path = None
        if self.log_dir is None:
            proc = subprocess.Popen(service_command(service), env=env)
        else:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log_path = self.log_dir / f"{name}.log"
            output = log_path
            if self.rotated_logs:
                env["NEWSFLOW_LOG_FILE"] = str(log_path)
                output = self.log_dir / f"{name}.out"
            with open(output, "ab") as out:  # the child keeps its own copy of the descriptor
                proc = subprocess.Popen(service_command(service), env=env, stdout=out, stderr=subprocess.STDOUT)
        process = ServiceProcess(name, proc, log_path, f"http://{LOCALHOST}:{port}/metrics" if port else None)
        self.processes.append(process)
        return process

    def stop_all(self, timeout_s: float = STOP_GRACE_S) -> None:
        for process in self.processes:
            process.signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        for process in self.processes:
            try:
                process.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.proc.kill()
                process.proc.wait()
        self.processes.clear()


def wait_ready(url: str, *, timeout_s: float = 60.0, processes: list[ServiceProcess] | None = None) -> None:
    """Poll `url` (a /readyz) until it answers 200; fail early if a watched process died."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        for process in processes or []:
            if not process.running:
                raise RuntimeError(f"{process.name} exited with status {process.proc.returncode}")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout_s}s: {last}")


@contextmanager
def services_on_free_ports(
    services: tuple[str, ...], env: Mapping[str, str], *, log_dir: Path | None = None
) -> Iterator[dict[str, int]]:
    """Each HTTP service in a process of its own on a free port, ready; yields the ports by service name."""
    started: list[ServiceProcess] = []
    ports: dict[str, int] = {}
    try:
        for service in services:
            ports[service] = free_port()
            stack = Stack(env={**env, "NEWSFLOW_PORT": str(ports[service])}, log_dir=log_dir)
            started.append(stack.start(service, name=service))
            wait_ready(f"http://127.0.0.1:{ports[service]}/readyz", processes=started[-1:])
        yield ports
    finally:
        for process in started:
            process.stop()
