"""The compose smoke test: the real docker-compose.yml, built and run in a Docker engine, end to end.

    .venv/bin/python -m scripts.compose_smoke [--replicas 3] [--articles 300] [--keep]

Starts its own engine (scripts/docker-engine.sh) unless DOCKER_HOST is set, builds the local stand-in
images (scripts/build-local-images.sh) and the three service images, brings the stack up with
`--scale enrich=N` (docker-compose.yml + compose.local.yml, a throw-away env file with random secrets,
free host ports), posts articles from the shared corpus to ingest, stops one enrich container while work is
still pending, and checks that every article comes back enriched through the query service and that every
worker enriched some. Then it tears everything down — containers, network, volumes and, when it started the
engine, the engine and its data-root — and prints one line on stdout:

    compose-smoke: enrich_replicas=3 posted=N enriched=N per_replica=a,b,c lost=0

Progress and timings go to stderr. Exit status 0 only when nothing was lost and every worker took part.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.corpus import CORPUS, FOLDERS, CorpusArticle, by_file_name, read_folder
from devstack.ports import free_port
from devstack.workspace import ROOT
from scripts.make_env import render


class SmokeFailure(Exception):
    """The stack did not do what the smoke test expects; the message says what."""


def log(message: str) -> None:
    print(f"compose-smoke: {message}", file=sys.stderr, flush=True)


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


def load_articles(corpus: Path, count: int) -> list[CorpusArticle]:
    """The first `count` articles of the corpus, each folder in file-name order."""
    articles = [article for folder in FOLDERS for article in by_file_name(read_folder(folder, corpus=corpus))]
    if len(articles) < count:
        raise SmokeFailure(f"{corpus} holds only {len(articles)} articles, {count} asked for")
    return articles[:count]


@dataclass
class Compose:
    """docker-compose (v1, or `docker compose` v2) on one project, with its own env file."""

    project: str
    env_file: Path
    env: dict[str, str]
    files: tuple[str, ...] = ("docker-compose.yml", "compose.local.yml")
    base: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.base = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]
        self.base += ["--env-file", str(self.env_file), "-p", self.project]
        for name in self.files:
            self.base += ["-f", name]

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


@dataclass
class Progress:
    ids: dict[str, Path] = field(default_factory=dict)  # article id -> the file it came from
    workers: dict[str, str] = field(default_factory=dict)  # enriched article id -> pipeline.worker
    failed: dict[str, str] = field(default_factory=dict)  # article id -> status other than enriched


async def post_articles(client: httpx.AsyncClient, articles: list[CorpusArticle], progress: Progress) -> None:
    """POST every article to ingest, retrying 429/503 after Retry-After, a few at a time."""
    slots = asyncio.Semaphore(8)

    async def post(article: CorpusArticle) -> None:
        async with slots:
            for _attempt in range(30):
                try:
                    response = await client.post("/v1/articles", json={"title": article.title, "body": article.body})
                except httpx.TransportError:
                    await asyncio.sleep(1)
                    continue
                if response.status_code in (429, 503):
                    await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
                    continue
                if response.status_code != 202:
                    raise SmokeFailure(f"POST {article.path.name}: {response.status_code} {response.text[:200]}")
                progress.ids[response.json()["id"]] = article.path
                return
            raise SmokeFailure(f"POST {article.path.name}: still refused after 30 attempts")

    await asyncio.gather(*(post(article) for article in articles))


async def poll_enriched(client: httpx.AsyncClient, progress: Progress) -> None:
    """One pass over the articles not yet seen enriched; 404 means not stored yet."""
    slots = asyncio.Semaphore(16)

    async def check(article_id: str) -> None:
        async with slots:
            try:
                response = await client.get(f"/v1/articles/{article_id}")
            except httpx.TransportError:
                return
            if response.status_code == 404:
                return
            if response.status_code != 200:
                raise SmokeFailure(f"GET {article_id}: {response.status_code} {response.text[:200]}")
            document = response.json()
            if document.get("status") == "enriched":
                progress.workers[article_id] = str(document.get("pipeline", {}).get("worker"))
                progress.failed.pop(article_id, None)
            else:
                progress.failed[article_id] = str(document.get("status"))

    await asyncio.gather(*(check(i) for i in list(progress.ids) if i not in progress.workers))


@dataclass
class Outcome:
    posted: int
    enriched: int
    per_replica: list[int]
    lost: int
    pending_at_stop: int
    unknown_workers: Counter[str]
    not_enriched: dict[str, str]  # article id -> the status it was stored with


async def exercise(
    compose: Compose,
    *,
    ingest_url: str,
    query_url: str,
    api_key: str,
    articles: list[CorpusArticle],
    hostnames: list[str],
    stop_container: str,
    timeout_s: float,
) -> Outcome:
    progress = Progress()
    headers = {"X-API-Key": api_key}
    victim = hostnames[0]
    pending_at_stop = -1
    stop_task: asyncio.Task[str] | None = None
    async with (
        httpx.AsyncClient(base_url=ingest_url, headers=headers, timeout=30) as ingest,
        httpx.AsyncClient(base_url=query_url, headers=headers, timeout=30) as query,
    ):
        posting = asyncio.create_task(post_articles(ingest, articles, progress))
        deadline = time.monotonic() + timeout_s
        last_status, last_logged = "", 0.0
        while time.monotonic() < deadline:
            await asyncio.sleep(1)
            if posting.done():
                posting.result()  # raises what made posting fail
            await poll_enriched(query, progress)
            done_by_victim = sum(1 for worker in progress.workers.values() if worker == victim)
            if stop_task is None and done_by_victim > 0:
                # Stop it while work is still queued or in its hands: what it held unacked must come back.
                pending_at_stop = len(articles) - len(progress.workers)
                log(f"stopping enrich container {victim} after it enriched {done_by_victim}; {pending_at_stop} pending")
                stop_task = asyncio.create_task(
                    asyncio.to_thread(docker, compose.env, "stop", "-t", "30", stop_container)
                )
            if posting.done() and len(progress.workers) == len(progress.ids) and stop_task is not None:
                break
            status = f"posted {len(progress.ids)}/{len(articles)}, enriched {len(progress.workers)}"
            if status != last_status and time.monotonic() - last_logged >= 5:
                log(status)
                last_status, last_logged = status, time.monotonic()
        await posting
        if stop_task is not None:
            await stop_task
    per_worker = Counter(progress.workers.values())
    per_replica = [per_worker.pop(name, 0) for name in hostnames]
    return Outcome(
        posted=len(progress.ids),
        enriched=len(progress.workers),
        per_replica=per_replica,
        lost=len(progress.ids) - len(progress.workers),
        pending_at_stop=pending_at_stop,
        unknown_workers=per_worker,
        not_enriched=dict(progress.failed),
    )


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


def smoke(args: argparse.Namespace) -> int:
    articles = load_articles(args.corpus, args.articles)
    started = time.monotonic()
    with engine(args.keep) as env, tempfile.TemporaryDirectory(prefix="newsflow-smoke-") as tmp:
        env_file = Path(tmp) / "smoke.env"
        secrets_env = render((ROOT / ".env.example").read_text(encoding="utf-8"))
        ingest_port, query_port = free_port(), free_port()
        env_file.write_text(
            secrets_env + f"NEWSFLOW_INGEST_PORT={ingest_port}\nNEWSFLOW_QUERY_PORT={query_port}\n",
            encoding="utf-8",
        )
        settings = dict(
            line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line and line[0] != "#"
        )
        api_key = settings["NEWSFLOW_API_KEYS"].split(",")[0].removesuffix(":write")
        compose = Compose(project=args.project, env_file=env_file, env=env)

        t0 = time.monotonic()
        run([str(ROOT / "scripts" / "build-local-images.sh")], env=env)
        log(f"stand-in images ready in {time.monotonic() - t0:.0f} s")
        t0 = time.monotonic()
        compose("build")
        build_s = time.monotonic() - t0
        log(f"service images built in {build_s:.0f} s")
        try:
            t0 = time.monotonic()
            compose("up", "-d", "--scale", f"enrich={args.replicas}")
            wait_healthy(compose, ["rabbitmq", "mongo", "ingest", "query", "enrich"], args.health_timeout)
            log(f"stack healthy in {time.monotonic() - t0:.0f} s")
            enrich_ids = compose.container_ids("enrich")
            if len(enrich_ids) != args.replicas:
                raise SmokeFailure(f"{len(enrich_ids)} enrich containers, {args.replicas} expected")
            hostnames = [docker(env, "inspect", "-f", "{{.Config.Hostname}}", c).strip() for c in enrich_ids]
            t0 = time.monotonic()
            outcome = asyncio.run(
                exercise(
                    compose,
                    ingest_url=f"http://127.0.0.1:{ingest_port}",
                    query_url=f"http://127.0.0.1:{query_port}",
                    api_key=api_key,
                    articles=articles,
                    hostnames=hostnames,
                    stop_container=enrich_ids[0],
                    timeout_s=args.enrich_timeout,
                )
            )
            log(f"posted and enriched in {time.monotonic() - t0:.0f} s")
        except BaseException:
            compose("ps", check=False)
            compose("logs", "--tail", "40", check=False)
            raise
        finally:
            if args.keep:
                log(f"stack kept (--keep): docker-compose -p {args.project} ... down -v")
            else:
                compose("down", "-v", "--remove-orphans", "--timeout", "20", check=False)
    log(f"total {time.monotonic() - started:.0f} s (service image build {build_s:.0f} s)")
    print(
        f"compose-smoke: enrich_replicas={args.replicas} posted={outcome.posted} enriched={outcome.enriched} "
        f"per_replica={','.join(map(str, outcome.per_replica))} lost={outcome.lost}",
        flush=True,
    )
    problems = []
    if outcome.posted != len(articles):
        problems.append(f"{len(articles) - outcome.posted} articles share an id with another (duplicates)")
    if outcome.lost:
        stored = Counter(outcome.not_enriched.values())
        problems.append(f"{outcome.lost} articles never came back enriched (stored with status: {dict(stored)})")
    if 0 in outcome.per_replica:
        problems.append("an enrich container enriched nothing")
    if outcome.pending_at_stop <= 0:
        problems.append("the enrich container was not stopped while work was pending")
    if outcome.unknown_workers:
        problems.append(f"documents from unknown workers: {dict(outcome.unknown_workers)}")
    for problem in problems:
        log(f"FAILED: {problem}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--replicas", type=int, default=3, help="enrich containers (default 3)")
    parser.add_argument("--articles", type=int, default=300, help="articles to post (default 300)")
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("NEWSFLOW_CORPUS", CORPUS)))
    parser.add_argument("--project", default="newsflow-smoke", help="compose project name")
    parser.add_argument("--health-timeout", type=float, default=300, help="seconds for the stack to be healthy")
    parser.add_argument("--enrich-timeout", type=float, default=600, help="seconds for every article to return")
    parser.add_argument("--keep", action="store_true", help="leave the stack and the engine running (debugging)")
    args = parser.parse_args(argv)
    try:
        return smoke(args)
    except SmokeFailure as failure:
        log(f"FAILED: {failure}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
