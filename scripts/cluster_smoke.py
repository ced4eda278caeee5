"""The cluster smoke test: three RabbitMQ nodes and three workers, a broker node lost and found mid-run.

    .venv/bin/python -m scripts.cluster_smoke [--replicas 3] [--articles 1000] [--keep]

docker-compose.yml + compose.local.yml + docker-compose.cluster.yml in a private Docker engine (its own, beside
any the compose smoke runs), with the local stand-in images (scripts/build-local-images.sh) and throw-away
secrets. Posts articles from the shared corpus through the proxy; once the workers are busy, stops the
RabbitMQ node that leads the work queue, and starts it again a little later. Then checks that every
article ingest accepted (202: confirmed by the broker) comes back enriched, that the entity registry
equals a full recount (`newsflow entities recount --check`: a redelivery must not count twice) that read
every accepted article from the stack's database, and that every quorum queue has its three members online
again. Prints one line on stdout:

    cluster-smoke: rabbit_nodes=3 enrich_replicas=3 posted=N accepted=N enriched=N stopped=<node> lost=0
    registry_drift=0   (on the same line)

Exit status 0 only when nothing was lost, the registry did not drift and the queues are whole again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack.corpus import CorpusArticle
from devstack.workspace import ROOT
from scripts import cluster_secrets
from scripts.compose_smoke import Progress, load_articles, poll_enriched, post_articles
from scripts.smoke_stack import (
    Compose,
    SmokeFailure,
    arguments,
    docker,
    engine,
    log,
    run,
    run_smoke,
    torn_down,
    wait_healthy,
    write_stack_env,
)

NODES = ("rabbitmq", "rabbitmq-2", "rabbitmq-3")
FILES = ("docker-compose.yml", "compose.local.yml", "docker-compose.cluster.yml")
STAND_IN_RABBITMQ = "newsflow-local/rabbitmq:4"
# Stop the leader once this share of the accepted articles is stored, start it again this long after.
STOP_AT_SHARE = 0.2
DOWN_FOR_S = 30.0
# `newsflow entities recount --check`, run in a worker's container with its own settings: the CLI's entry
# point needs the development tools, which the image leaves out, so the recount module is called directly.
RECOUNT = """
import asyncio
from cli.recount import recount
from services.enrich.settings import WorkerSettings
from shared import database

async def main():
    settings = WorkerSettings()
    mongo = database.connect(settings)
    try:
        result = await recount(database.database(mongo, settings), write=False)
    finally:
        await mongo.close()
    print(f"articles={result.articles} drift={len({(d.collection, d.record) for d in result.differences})}")

asyncio.run(main())
"""


def quorum_queues(compose: Compose, *, avoid: str | None = None) -> dict[str, dict[str, object]]:
    """Each quorum queue's leader, members and online members, asked of a node that is up."""
    for node in NODES:
        if node == avoid:
            continue
        [container] = compose.container_ids(node) or [""]
        output = run(
            [
                "docker",
                "exec",
                container,
                "rabbitmqctl",
                "-q",
                "list_queues",
                "--formatter",
                "json",
                "name",
                "type",
                "leader",
                "members",
                "online",
            ],
            env=compose.env,
            capture=True,
            check=False,
        )
        try:
            queues = json.loads(output)
        except json.JSONDecodeError:
            continue
        return {queue["name"]: queue for queue in queues if queue.get("type") == "quorum"}
    raise SmokeFailure("no RabbitMQ node answered list_queues")


def _names(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def node_service(erlang_node: str) -> str:
    """rabbit@rabbitmq-2 -> the compose service rabbitmq-2 (node names are host names, host names services)."""
    return erlang_node.partition("@")[2]


@dataclass
class Outcome:
    posted: int
    accepted: int
    enriched: int
    stopped: str
    lost: int
    not_enriched: dict[str, str]


async def exercise(
    compose: Compose,
    *,
    ingest_url: str,
    query_url: str,
    ca_file: Path,
    api_key: str,
    articles: list[CorpusArticle],
    timeout_s: float,
) -> Outcome:
    progress = Progress()
    headers = {"X-API-Key": api_key}
    stopped, restarted_at = "", 0.0
    async with (
        httpx.AsyncClient(base_url=ingest_url, headers=headers, timeout=30, verify=str(ca_file)) as ingest,
        httpx.AsyncClient(base_url=query_url, headers=headers, timeout=30, verify=str(ca_file)) as query,
    ):
        posting = asyncio.create_task(post_articles(ingest, articles, progress, query_url=query_url))
        deadline = time.monotonic() + timeout_s
        last_logged = 0.0
        while time.monotonic() < deadline:
            await asyncio.sleep(2)
            if posting.done():
                posting.result()
            await poll_enriched(query, progress)
            if not stopped and len(progress.workers) >= STOP_AT_SHARE * len(articles):
                leader = str(quorum_queues(compose)["newsflow.articles"]["leader"])
                stopped = node_service(leader)
                log(f"stopping {stopped}, leader of the work queue, with {len(progress.workers)} stored")
                [container] = compose.container_ids(stopped)
                await asyncio.to_thread(docker, compose.env, "stop", "-t", "10", container)
                restarted_at = time.monotonic() + DOWN_FOR_S
            if stopped and restarted_at and time.monotonic() >= restarted_at:
                log(f"starting {stopped} again")
                [container] = compose.container_ids(stopped) or compose("ps", "-a", "-q", stopped, capture=True).split()
                await asyncio.to_thread(docker, compose.env, "start", container)
                restarted_at = 0.0
            if posting.done() and stopped and not restarted_at and len(progress.workers) == len(progress.ids):
                break
            if time.monotonic() - last_logged >= 10:
                log(f"accepted {len(progress.ids)}/{len(articles)}, enriched {len(progress.workers)}")
                last_logged = time.monotonic()
        await posting
    return Outcome(
        posted=len(articles),
        accepted=len(progress.ids),
        enriched=len(progress.workers),
        stopped=stopped or "none",
        lost=len(progress.ids) - len(progress.workers),
        not_enriched=dict(progress.failed),
    )


def queues_whole_again(compose: Compose, timeout_s: float) -> list[str]:
    """Quorum queues with fewer than all three members online once the timeout passed ([] when all whole)."""
    deadline = time.monotonic() + timeout_s
    short: list[str] = ["(not asked)"]
    while time.monotonic() < deadline:
        queues = quorum_queues(compose)
        short = [
            f"{name}: {q.get('online')}" for name, q in queues.items() if len(_names(q.get("online"))) < len(NODES)
        ]
        if queues and not short:
            return []
        time.sleep(3)
    return short


@dataclass(frozen=True)
class Recounted:
    articles: int  # stored articles the recount read
    drift: int  # registry and counter records that differ from the recount (0: exact)


def parse_recount(output: str, returncode: int) -> Recounted:
    """What RECOUNT printed; a recount that failed or printed nothing readable fails the smoke test."""
    found = re.search(r"articles=(\d+) drift=(\d+)", output)
    if returncode != 0 or found is None:
        raise SmokeFailure(f"the entity recount failed (exit {returncode}): {output[-300:]}")
    return Recounted(articles=int(found[1]), drift=int(found[2]))


def registry_drift(compose: Compose) -> Recounted:
    """The entity registry and the counters compared with a full recount of the stack's stored articles."""
    [container, *_] = compose.container_ids("enrich")
    done = subprocess.run(
        ["docker", "exec", container, "python", "-c", RECOUNT],
        env=compose.env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = (done.stdout + done.stderr).strip()
    log(f"entities recount --check (exit {done.returncode}): {output[-300:]}")
    return parse_recount(output, done.returncode)


def smoke(args: argparse.Namespace) -> list[str]:
    """Run the smoke test; what went wrong ([] when all held)."""
    articles = load_articles(args.corpus, args.articles)
    # An engine of our own, beside one the compose smoke may be running.
    os.environ.setdefault("NEWSFLOW_DOCKER_RUN", str(Path(tempfile.gettempdir()) / "newsflow-docker-cluster"))
    os.environ.setdefault("NEWSFLOW_DOCKER_DATA", str(ROOT / ".data" / "docker" / "cluster-engine"))
    started = time.monotonic()
    with engine(args.keep) as env, tempfile.TemporaryDirectory(prefix="newsflow-cluster-") as tmp:
        stack = write_stack_env(Path(tmp), "cluster")
        secrets_dir = Path(tmp) / "cluster"
        cluster_secrets.main(["--env", str(stack.env_file), "--output", str(secrets_dir)])
        env = {**env, "NEWSFLOW_CLUSTER_SECRETS": str(secrets_dir), "NEWSFLOW_RABBITMQ_IMAGE": STAND_IN_RABBITMQ}
        compose = Compose(project=args.project, env_file=stack.env_file, env=env, files=FILES)

        run([str(ROOT / "scripts" / "build-local-images.sh")], env=env)
        compose("build")
        with torn_down(compose, keep=args.keep):
            t0 = time.monotonic()
            # docker-compose 1.x gives up on a dependency that is not healthy yet (the proxy waits for query,
            # which waits for a slow database on a loaded machine); the second `up` starts what the first left.
            compose("up", "-d", "--scale", f"enrich={args.replicas}", check=False)
            wait_healthy(compose, [*NODES, "mongo", "ingest", "query", "enrich"], args.health_timeout)
            compose("up", "-d", "--scale", f"enrich={args.replicas}")
            wait_healthy(compose, ["proxy"], args.health_timeout)
            log(f"stack healthy in {time.monotonic() - t0:.0f} s")
            before = quorum_queues(compose)
            log(f"work queue members before: {before['newsflow.articles'].get('members')}")
            outcome = asyncio.run(
                exercise(
                    compose,
                    ingest_url=stack.ingest_url,
                    query_url=stack.query_url,
                    ca_file=stack.ca_file,
                    api_key=stack.api_key,
                    articles=articles,
                    timeout_s=args.enrich_timeout,
                )
            )
            short = queues_whole_again(compose, args.health_timeout)
            after = quorum_queues(compose)["newsflow.articles"]
            log(f"work queue after: leader {after.get('leader')}, online {after.get('online')}")
            recounted = registry_drift(compose)
    log(f"total {time.monotonic() - started:.0f} s")
    print(
        f"cluster-smoke: rabbit_nodes={len(NODES)} enrich_replicas={args.replicas} posted={outcome.posted} "
        f"accepted={outcome.accepted} enriched={outcome.enriched} stopped={outcome.stopped} lost={outcome.lost} "
        f"registry_drift={recounted.drift}",
        flush=True,
    )
    problems = []
    if outcome.lost:
        problems.append(f"{outcome.lost} accepted articles never came back enriched ({outcome.not_enriched})")
    if outcome.stopped == "none":
        problems.append("the work queue's leader was never stopped")
    if short:
        problems.append(f"quorum queues not whole again: {short}")
    if recounted.drift:
        problems.append(f"{recounted.drift} entity registry or counter records differ from a full recount")
    # A recount of another database, or of an empty one, would find no drift: it must have read every article.
    if recounted.articles != outcome.accepted:
        problems.append(f"the recount read {recounted.articles} stored articles, ingest accepted {outcome.accepted}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = arguments(
        __doc__.splitlines()[0] if __doc__ else None,
        articles=1000,
        project="newsflow-cluster",
        health_timeout=420,
        enrich_timeout=1800,
    )
    return run_smoke(smoke, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
