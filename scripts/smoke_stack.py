"""What the compose and cluster smoke tests share: a compose project in a Docker engine of their own (started
and purged around the run unless DOCKER_HOST names one), a throw-away env file with random secrets, a
development CA and free proxy ports, a stack torn down whatever happens, and the command line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devstack.corpus import CORPUS
from devstack.ports import free_port
from devstack.workspace import ROOT
from scripts.dev_certificates import write_certificates
from scripts.make_env import render


class SmokeFailure(Exception):
    """The stack did not do what the smoke test expects; the message says what."""


def log(message: str) -> None:
    # Named after the smoke test that runs (`python -m scripts.cluster_smoke` -> cluster-smoke).
    program = Path(sys.argv[0]).stem.replace("_", "-") or "smoke"
    print(f"{program}: {message}", file=sys.stderr, flush=True)


def run(args: Sequence[str], *, env: dict[str, str], capture: bool = False, check: bool = True) -> str:
    result = subprocess.run(
        list(args),
        env=env,
        cwd=ROOT,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else sys.stderr,
        stderr=subprocess.STDOUT if not capture else None,
    )
    if check and result.returncode != 0:
        raise SmokeFailure(f"{' '.join(args[:4])} ... exited with {result.returncode}")
    return result.stdout or ""


@dataclass
class Compose:
    """docker-compose (v1, or `docker compose` v2) on one project, with its own env file."""

    project: str
    env_file: Path
    env: dict[str, str]
    files: tuple[str, ...] = ("docker-compose.yml", "compose.local.yml")
    profiles: tuple[str, ...] = ("monitoring",)
    base: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.base = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]
        self.base += ["--env-file", str(self.env_file), "-p", self.project]
        for name in self.files:
            self.base += ["-f", name]
        for profile in self.profiles:
            self.base += ["--profile", profile]

    def __call__(self, *args: str, capture: bool = False, check: bool = True) -> str:
        return run([*self.base, *args], env=self.env, capture=capture, check=check)

    def container_ids(self, service: str) -> list[str]:
        return self("ps", "-q", service, capture=True).split()


def docker(env: dict[str, str], *args: str) -> str:
    return run(["docker", *args], env=env, capture=True)


def wait_healthy(compose: Compose, services: Sequence[str], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    pending: list[str] = []
    while time.monotonic() < deadline:
        pending = []
        for service in services:
            for cid in compose.container_ids(service) or [f"<{service} has no container>"]:
                if cid.startswith("<"):
                    pending.append(cid)
                    continue
                state = json.loads(docker(compose.env, "inspect", "-f", "{{json .State}}", cid))
                health = state.get("Health", {}).get("Status", state.get("Status"))
                if health != "healthy":
                    pending.append(f"{service}:{cid[:12]}={health}")
        if not pending:
            return
        time.sleep(2)
    raise SmokeFailure(f"not healthy after {timeout_s:.0f} s: {', '.join(pending)}")


@contextlib.contextmanager
def engine(keep: bool) -> Iterator[dict[str, str]]:
    """The environment that reaches a Docker engine: the caller's DOCKER_HOST, or one we start and purge."""
    env = dict(os.environ)
    if env.get("DOCKER_HOST"):
        log(f"using the engine at {env['DOCKER_HOST']}")
        yield env
        return
    script = str(ROOT / "scripts" / "docker-engine.sh")
    output = run([script, "start"], env=env, capture=True)
    env["DOCKER_HOST"] = output.strip().splitlines()[-1].removeprefix("DOCKER_HOST=")
    log(f"started an engine at {env['DOCKER_HOST']}")
    try:
        yield env
    finally:
        if keep:
            log("engine kept running (--keep); scripts/docker-engine.sh purge removes it")
        else:
            run([script, "purge"], env=env, check=False)
            log("engine stopped, its data-root removed")


@dataclass(frozen=True)
class StackEnv:
    """The env file a smoke run's compose project reads, and what a client needs to reach it."""

    env_file: Path
    tls_dir: Path
    ingest_port: int
    query_port: int
    api_key: str

    @property
    def ca_file(self) -> Path:
        return self.tls_dir / "ca.crt"

    @property
    def ingest_url(self) -> str:
        return f"https://127.0.0.1:{self.ingest_port}"

    @property
    def query_url(self) -> str:
        return f"https://127.0.0.1:{self.query_port}"


def write_stack_env(directory: Path, name: str, extra: dict[str, str] | None = None) -> StackEnv:
    """`.env.example` with random secrets (as `make env`), a development CA and certificate, free proxy ports."""
    ingest_port, query_port = free_port(), free_port()
    tls_dir = directory / "tls"
    write_certificates(tls_dir)
    values = {
        "NEWSFLOW_PROXY_INGEST_PORT": str(ingest_port),
        "NEWSFLOW_PROXY_QUERY_PORT": str(query_port),
        "NEWSFLOW_QUERY_BASE_URL": f"https://127.0.0.1:{query_port}",
        "NEWSFLOW_TLS_DIR": str(tls_dir),
        **(extra or {}),
    }
    env_file = directory / f"{name}.env"
    env_file.write_text(
        render((ROOT / ".env.example").read_text(encoding="utf-8"))
        + "".join(f"{key}={value}\n" for key, value in values.items()),
        encoding="utf-8",
    )
    settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line and line[0] != "#")
    api_key = settings["NEWSFLOW_API_KEYS"].split(",")[0].split(":")[1]  # NAME:SECRET[:scope]
    return StackEnv(env_file, tls_dir, ingest_port, query_port, api_key)


@contextlib.contextmanager
def torn_down(compose: Compose, *, keep: bool) -> Iterator[None]:
    """Run the stack's part of a smoke test: show its state if that failed, and take it down (unless kept)."""
    try:
        yield
    except BaseException:
        compose("ps", check=False)
        compose("logs", "--tail", "40", check=False)
        raise
    finally:
        if keep:
            log(f"stack kept (--keep): docker-compose -p {compose.project} ... down -v")
        else:
            compose("down", "-v", "--remove-orphans", "--timeout", "20", check=False)


def arguments(
    description: str | None, *, articles: int, project: str, health_timeout: float, enrich_timeout: float
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--replicas", type=int, default=3, help="enrich containers (default 3)")
    parser.add_argument("--articles", type=int, default=articles, help=f"articles to post (default {articles})")
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("NEWSFLOW_CORPUS", CORPUS)))
    parser.add_argument("--project", default=project, help="compose project name")
    parser.add_argument(
        "--health-timeout", type=float, default=health_timeout, help="seconds for the stack to be healthy"
    )
    parser.add_argument(
        "--enrich-timeout", type=float, default=enrich_timeout, help="seconds for every article to return"
    )
    parser.add_argument("--keep", action="store_true", help="leave the stack and the engine running (debugging)")
    return parser


def run_smoke(smoke: Callable[[argparse.Namespace], list[str]], args: argparse.Namespace) -> int:
    """The smoke test's exit status: 0 when it found nothing wrong, else 1 with each problem on stderr."""
    try:
        problems = smoke(args)
    except SmokeFailure as failure:
        problems = [str(failure)]
    for problem in problems:
        log(f"FAILED: {problem}")
    return 1 if problems else 0
