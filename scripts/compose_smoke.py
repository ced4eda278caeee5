"""The compose smoke test: the real docker-compose.yml, built and run in a Docker engine, end to end.

    .venv/bin/python -m scripts.compose_smoke [--replicas 3] [--articles 300] [--keep]

Starts its own engine (scripts/docker-engine.sh) unless DOCKER_HOST is set, builds the local stand-in
images (scripts/build-local-images.sh) and the three service images, brings the stack up with
`--scale enrich=N` (docker-compose.yml + compose.local.yml, a throw-away env file with random secrets, a
throw-away development CA and certificate, free host ports). Through the proxy only, over TLS checked
against that CA: it checks that the proxy refuses a header that never ends, a body over ingest's limit and
/metrics, and that the services' accounts hold no more than they need (ingest's broker user cannot
consume, the query service's database user cannot write); then posts articles from the shared corpus to
ingest, stops one enrich container while work is still pending, and checks that every article comes back
enriched through the query service and that every worker enriched some. With the `monitoring` profile on,
once the stopped worker runs again, Prometheus must report every target up (each worker replica apart) and
its stored-documents gauge must equal the articles posted. Then it tears everything down —
containers, network, volumes and, when it started the engine, the engine and its data-root — and prints
one line on stdout:

    compose-smoke: enrich_replicas=3 posted=N enriched=N per_replica=a,b,c lost=0 proxy=ok least_privilege=ok
    prometheus_targets_up=K/K

Progress and timings go to stderr. Exit status 0 only when nothing was lost and every worker took part.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import ssl
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from devstack.corpus import FOLDERS, CorpusArticle, by_file_name, read_folder
from devstack.ports import free_port
from devstack.workspace import ROOT
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


def load_articles(corpus: Path, count: int) -> list[CorpusArticle]:
    """The first `count` articles of the corpus, each folder in file-name order."""
    articles = [article for folder in FOLDERS for article in by_file_name(read_folder(folder, corpus=corpus))]
    if len(articles) < count:
        raise SmokeFailure(f"{corpus} holds only {len(articles)} articles, {count} asked for")
    return articles[:count]


@dataclass
class Progress:
    ids: dict[str, Path] = field(default_factory=dict)  # article id -> the file it came from
    workers: dict[str, str] = field(default_factory=dict)  # enriched article id -> pipeline.worker
    failed: dict[str, str] = field(default_factory=dict)  # article id -> status other than enriched


async def post_articles(
    client: httpx.AsyncClient, articles: list[CorpusArticle], progress: Progress, *, query_url: str
) -> None:
    """POST every article to ingest, retrying 429/503 after Retry-After, a few at a time.

    Each answer must link to the article where clients reach it: the proxy's query port.
    """
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
                accepted = response.json()
                if not accepted["links"]["article"].startswith(f"{query_url}/v1/articles/"):
                    raise SmokeFailure(f"POST {article.path.name}: links to {accepted['links']['article']}")
                progress.ids[accepted["id"]] = article.path
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
    ca_file: Path,
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
        httpx.AsyncClient(base_url=ingest_url, headers=headers, timeout=30, verify=str(ca_file)) as ingest,
        httpx.AsyncClient(base_url=query_url, headers=headers, timeout=30, verify=str(ca_file)) as query,
    ):
        posting = asyncio.create_task(post_articles(ingest, articles, progress, query_url=query_url))
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


@dataclass
class Monitoring:
    targets_up: int
    targets: int
    stored: int  # newsflow_documents summed over statuses, as Prometheus last scraped it


def prometheus_view(url: str, *, expected_targets: int, posted: int, timeout_s: float) -> Monitoring:
    """Wait until Prometheus has every target up and its stored-documents gauge says `posted` (or time out)."""
    deadline = time.monotonic() + timeout_s
    view = Monitoring(0, 0, -1)
    targets: list[dict[str, Any]] = []
    with httpx.Client(base_url=url, timeout=10) as client:
        while time.monotonic() < deadline:
            try:
                targets = client.get("/api/v1/targets", params={"state": "active"}).json()["data"]["activeTargets"]
                stored = client.get("/api/v1/query", params={"query": "sum(max by (status) (newsflow_documents))"})
                result = stored.json()["data"]["result"]
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                log(f"prometheus not answering yet ({type(exc).__name__})")
                time.sleep(2)
                continue
            up = sum(target["health"] == "up" for target in targets)
            view = Monitoring(up, len(targets), int(float(result[0]["value"][1])) if result else -1)
            if view.targets == expected_targets and view.targets_up == view.targets and view.stored == posted:
                return view
            time.sleep(2)
    down = [f"{t['labels'].get('job')}/{t['labels'].get('instance')}={t['health']}" for t in targets]
    log(f"prometheus after {timeout_s:.0f} s: {view}; targets {', '.join(down)}")
    return view


# The proxy's limits (docker/nginx/nginx.conf): a header must be complete within 10 s, a body at most 16 MiB.
HEADER_TIMEOUT_S = 10
MAX_BODY_BYTES = 16 * 1_048_576

# Run inside the ingest container, with its own broker account: taking a message must be refused.
INGEST_CONSUMES = """
import asyncio, os, aio_pika
from aiormq.exceptions import ChannelAccessRefused
async def main():
    async with await aio_pika.connect(os.environ["NEWSFLOW_RABBITMQ_URL"]) as connection:
        queue = await (await connection.channel()).get_queue("newsflow.articles", ensure=True)
        try:
            await queue.get(no_ack=False, fail=False)
        except ChannelAccessRefused:
            return print("refused")
        print("allowed")
asyncio.run(main())
"""
# Run inside the query container, with its own database account: any write must be refused (code 13).
QUERY_WRITES = """
import os, pymongo
from pymongo.errors import OperationFailure
client = pymongo.MongoClient(os.environ["NEWSFLOW_MONGODB_URL"], serverSelectionTimeoutMS=5000)
try:
    client[os.environ["NEWSFLOW_MONGODB_DATABASE"]]["articles"].insert_one({"_id": "compose-smoke-write"})
except OperationFailure as exc:
    print("refused" if exc.code == 13 else f"failed with code {exc.code}")
else:
    print("allowed")
"""


def tls_connection(port: int, ca_file: Path) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(ca_file))
    sock = socket.create_connection(("127.0.0.1", port), timeout=HEADER_TIMEOUT_S * 3)
    return context.wrap_socket(sock, server_hostname="127.0.0.1")


def proxy_problems(*, ingest_port: int, query_port: int, ca_file: Path, api_key: str) -> list[str]:
    """What the proxy lets through that it should refuse, over raw TLS connections."""
    problems = []
    with tls_connection(ingest_port, ca_file) as conn:
        # A header that never ends must not hold the connection open beyond the header timeout.
        started = time.monotonic()
        conn.sendall(b"POST /v1/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ")
        try:
            while conn.recv(4096):
                pass
        except (TimeoutError, ssl.SSLError, OSError) as exc:
            if isinstance(exc, TimeoutError):
                problems.append(f"an unfinished header kept its connection for {time.monotonic() - started:.0f} s")
        waited = time.monotonic() - started
        log(f"proxy closed an unfinished header after {waited:.1f} s")
        if waited > HEADER_TIMEOUT_S + 5:
            problems.append(f"an unfinished header was closed only after {waited:.0f} s")
    with tls_connection(ingest_port, ca_file) as conn:
        # Over ingest's limit: refused on the headers alone, before any of the body is read.
        conn.sendall(
            b"POST /v1/articles:batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
            + f"X-API-Key: {api_key}\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode()
        )
        status = conn.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
        log(f"proxy answered a {MAX_BODY_BYTES + 1}-byte body with {status!r}")
        if " 413 " not in f"{status} ":
            problems.append(f"a body over {MAX_BODY_BYTES} bytes was answered {status!r}, not 413")
    for port in (ingest_port, query_port):
        with httpx.Client(verify=str(ca_file), timeout=10) as client:
            response = client.get(f"https://127.0.0.1:{port}/metrics")
            if response.status_code != 404:
                problems.append(f"/metrics on {port} answered {response.status_code}, not 404")
    return problems


def privilege_problems(compose: Compose) -> list[str]:
    """Each service account tried at what it must not do, from inside its own container."""
    problems = []
    for service, script, what in (
        ("ingest", INGEST_CONSUMES, "ingest's broker user consuming the work queue"),
        ("query", QUERY_WRITES, "the query service's database user writing"),
    ):
        container = compose.container_ids(service)[0]
        outcome = run(["docker", "exec", container, "python", "-c", script], env=compose.env, capture=True, check=False)
        result = (outcome.strip().splitlines() or ["no output"])[-1]
        log(f"{what}: {result}")
        if result != "refused":
            problems.append(f"{what}: {result}, not refused")
    return problems


def smoke(args: argparse.Namespace) -> list[str]:
    """Run the smoke test; what went wrong ([] when all held)."""
    articles = load_articles(args.corpus, args.articles)
    started = time.monotonic()
    with engine(args.keep) as env, tempfile.TemporaryDirectory(prefix="newsflow-smoke-") as tmp:
        prometheus_port = free_port()
        stack = write_stack_env(Path(tmp), "smoke", {"NEWSFLOW_PROMETHEUS_PORT": str(prometheus_port)})
        compose = Compose(project=args.project, env_file=stack.env_file, env=env)

        t0 = time.monotonic()
        run([str(ROOT / "scripts" / "build-local-images.sh")], env=env)
        log(f"stand-in images ready in {time.monotonic() - t0:.0f} s")
        t0 = time.monotonic()
        compose("build")
        build_s = time.monotonic() - t0
        log(f"service images built in {build_s:.0f} s")
        with torn_down(compose, keep=args.keep):
            t0 = time.monotonic()
            compose("up", "-d", "--scale", f"enrich={args.replicas}")
            wait_healthy(compose, ["rabbitmq", "mongo", "ingest", "query", "enrich", "proxy"], args.health_timeout)
            log(f"stack healthy in {time.monotonic() - t0:.0f} s")
            hardening = proxy_problems(
                ingest_port=stack.ingest_port, query_port=stack.query_port, ca_file=stack.ca_file, api_key=stack.api_key
            )
            privileges = privilege_problems(compose)
            enrich_ids = compose.container_ids("enrich")
            if len(enrich_ids) != args.replicas:
                raise SmokeFailure(f"{len(enrich_ids)} enrich containers, {args.replicas} expected")
            hostnames = [docker(env, "inspect", "-f", "{{.Config.Hostname}}", c).strip() for c in enrich_ids]
            t0 = time.monotonic()
            outcome = asyncio.run(
                exercise(
                    compose,
                    ingest_url=stack.ingest_url,
                    query_url=stack.query_url,
                    ca_file=stack.ca_file,
                    api_key=stack.api_key,
                    articles=articles,
                    hostnames=hostnames,
                    stop_container=enrich_ids[0],
                    timeout_s=args.enrich_timeout,
                )
            )
            log(f"posted and enriched in {time.monotonic() - t0:.0f} s")
            # The stopped worker runs again; Prometheus must then see every replica (and the rest) up.
            docker(env, "start", enrich_ids[0])
            wait_healthy(compose, ["enrich"], args.health_timeout)
            monitoring = prometheus_view(
                f"http://127.0.0.1:{prometheus_port}",
                expected_targets=args.replicas + 3,  # ingest, query, the broker and each worker
                posted=outcome.posted,
                timeout_s=args.health_timeout,
            )
    log(f"total {time.monotonic() - started:.0f} s (service image build {build_s:.0f} s)")
    print(
        f"compose-smoke: enrich_replicas={args.replicas} posted={outcome.posted} enriched={outcome.enriched} "
        f"per_replica={','.join(map(str, outcome.per_replica))} lost={outcome.lost} "
        f"proxy={'ok' if not hardening else 'FAILED'} least_privilege={'ok' if not privileges else 'FAILED'} "
        f"prometheus_targets_up={monitoring.targets_up}/{monitoring.targets}",
        flush=True,
    )
    problems = [*hardening, *privileges]
    if outcome.posted != len(articles):
        problems.append(f"{len(articles) - outcome.posted} articles share an id with another (duplicates)")
    if outcome.lost:
        stored = Counter(outcome.not_enriched.values())
        problems.append(f"{outcome.lost} articles never came back enriched (stored with status: {dict(stored)})")
    if 0 in outcome.per_replica:
        problems.append("an enrich container enriched nothing")
    if outcome.pending_at_stop <= 0:
        problems.append("the enrich container was not stopped while work was pending")
    if monitoring.targets != args.replicas + 3 or monitoring.targets_up != monitoring.targets:
        problems.append(
            f"prometheus: {monitoring.targets_up}/{monitoring.targets} targets up, {args.replicas + 3} expected"
        )
    if monitoring.stored != outcome.posted:
        problems.append(f"prometheus: stored-documents gauge {monitoring.stored}, {outcome.posted} posted")
    if outcome.unknown_workers:
        problems.append(f"documents from unknown workers: {dict(outcome.unknown_workers)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = arguments(
        __doc__.splitlines()[0] if __doc__ else None,
        articles=300,
        project="newsflow-smoke",
        health_timeout=300,
        enrich_timeout=600,
    )
    return run_smoke(smoke, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
