"""The `newsflow` command: run the local stack, post and fetch articles, enrich offline, operate queues."""

import asyncio
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.progress import Progress

from cli import client, local
from cli.inputs import InputError, article_files, parse_article_text, read_article
from cli.stack import Stack, wait_ready
from shared.settings import DatabaseSettings, NewsflowSettings

app = typer.Typer(
    help="Newsflow: enrich news articles (entities, summaries, keywords) and query them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
dlq_app = typer.Typer(help="Inspect and replay the dead-letter queue.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure the enrichment against annotated data.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
app.add_typer(eval_app, name="eval")

say = local.Say()
BATCH_POST_SIZE = 500  # articles per POST /v1/articles:batch (the server takes up to 1,000)


@app.callback()
def options(
    ca_bundle: Annotated[
        Path | None,
        typer.Option(
            envvar="NEWSFLOW_CA_BUNDLE",
            exists=True,
            dir_okay=False,
            help="CA certificates to trust for HTTPS, e.g. the compose proxy's development CA (.data/tls/ca.crt)",
        ),
    ] = None,
) -> None:
    """Options for every command."""
    if ca_bundle is not None:
        # The HTTP client reads it there (cli/client.py), as it does when only the variable is set.
        os.environ["NEWSFLOW_CA_BUNDLE"] = str(ca_bundle)


def _broker_settings() -> NewsflowSettings:
    return NewsflowSettings(rabbitmq_url=os.environ.get("NEWSFLOW_RABBITMQ_URL", local.DEFAULT_RABBITMQ_URL))


def _print_json(document: object) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command()
def run(
    workers: Annotated[int, typer.Option(min=1, max=32, help="enrichment worker processes")] = 1,
    post: Annotated[
        list[Path] | None, typer.Option(help="post these articles once ready and print them enriched")
    ] = None,
) -> None:
    """Start the local stack (broker, database, ingest, query, workers) in the foreground until Ctrl-C."""
    base = Path.cwd()
    rabbitmq_url = os.environ.get("NEWSFLOW_RABBITMQ_URL", local.DEFAULT_RABBITMQ_URL)
    try:
        local.ensure_rabbitmq(rabbitmq_url, say)
    except local.SetupError as exc:
        say(str(exc))
        raise typer.Exit(1) from None

    database_proc = None
    mongodb_url = os.environ.get("NEWSFLOW_MONGODB_URL")
    if not mongodb_url:
        port = local.free_port(27017)
        say(f"no NEWSFLOW_MONGODB_URL: starting SecantusDB on 127.0.0.1:{port} (data in {local.STATE_DIR_NAME}/)")
        database_proc = local.start_secantus(local.state_dir(base) / "mongodb", port)
        mongodb_url = f"mongodb://127.0.0.1:{port}"

    ingest_port = os.environ.get("NEWSFLOW_INGEST_PORT", "8001")
    query_port = os.environ.get("NEWSFLOW_QUERY_PORT", "8002")
    env = {
        "NEWSFLOW_RABBITMQ_URL": rabbitmq_url,
        "NEWSFLOW_MONGODB_URL": mongodb_url,
        "NEWSFLOW_API_KEYS": os.environ.get("NEWSFLOW_API_KEYS") or local.local_secret("api-key", base),
        "NEWSFLOW_CURSOR_SECRET": os.environ.get("NEWSFLOW_CURSOR_SECRET") or local.local_secret("cursor-secret", base),
        "NEWSFLOW_QUERY_BASE_URL": f"http://127.0.0.1:{query_port}",
    }
    stack = Stack(env=env)
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        ingest = stack.start("ingest", extra_env={"NEWSFLOW_PORT": ingest_port}, name="ingest")
        query = stack.start("query", extra_env={"NEWSFLOW_PORT": query_port}, name="query")
        for _ in range(workers):
            stack.start("enrich")
        wait_ready(f"http://127.0.0.1:{ingest_port}/readyz", processes=[ingest])
        wait_ready(f"http://127.0.0.1:{query_port}/readyz", processes=[query])
        say(
            f"ready: ingest http://127.0.0.1:{ingest_port}, query http://127.0.0.1:{query_port}, "
            f"{workers} worker(s); API key in {local.STATE_DIR_NAME}/api-key (or NEWSFLOW_API_KEYS)"
        )
        os.environ.update(
            {
                "NEWSFLOW_INGEST_URL": f"http://127.0.0.1:{ingest_port}",
                "NEWSFLOW_QUERY_URL": f"http://127.0.0.1:{query_port}",
                "NEWSFLOW_API_KEYS": env["NEWSFLOW_API_KEYS"],
            }
        )
        for path in post or []:
            document = _post_and_wait(path)
            _print_json(document)
        say("serving until Ctrl-C")
        while not stopping:
            for process in stack.processes:
                if not process.running:
                    say(f"{process.name} exited with status {process.proc.returncode}; stopping")
                    raise typer.Exit(1)
            time.sleep(0.5)
    except (RuntimeError, TimeoutError, httpx.HTTPError, InputError) as exc:
        say(f"error: {exc}")
        raise typer.Exit(1) from None
    finally:
        say("stopping…")
        stack.stop_all()
        if database_proc is not None:
            database_proc.terminate()
            database_proc.wait(15)


def _post_and_wait(path: Path) -> dict[str, Any]:
    article = read_article(path)
    with client.http_client() as http:
        result = client.post_batch(http, [article.model_dump(mode="json", exclude_none=True)])
        if not result["accepted"]:
            raise InputError(f"{path}: rejected: {result['rejected']}")
        article_id = result["accepted"][0]["id"]
        say(f"posted {path} as {article_id}; waiting for the enriched document…")
        return client.wait_for_article(http, article_id)


@app.command()
def post(
    paths: Annotated[list[Path], typer.Argument(help="files, directories, or - for one article on stdin")],
) -> None:
    """Post articles (.txt in the sample layout, .json, .html) to ingest; prints one line per article."""
    failed = False
    items: list[tuple[str, dict[str, Any]]] = []
    sources = [Path("-")] if paths == [Path("-")] else article_files(paths)
    for path in sources:
        try:
            article = parse_article_text(sys.stdin.read(), ".txt") if str(path) == "-" else read_article(path)
            items.append((str(path), article.model_dump(mode="json", exclude_none=True)))
        except InputError as exc:
            _print_json({"input": str(path), "error": str(exc)})
            failed = True
    with client.http_client() as http, Progress(console=None, transient=True, disable=len(items) < 20) as progress:
        task = progress.add_task("posting", total=len(items))
        for chunk in client.chunks(items, BATCH_POST_SIZE):
            try:
                result = client.post_batch(http, [article for _, article in chunk])
            except httpx.HTTPError as exc:
                say(f"error: {exc}")
                raise typer.Exit(1) from None
            for accepted in result["accepted"]:
                _print_json({"input": chunk[accepted["index"]][0], "id": accepted["id"]})
            for rejected in result["rejected"]:
                _print_json({"input": chunk[rejected["index"]][0], "error": rejected["errors"]})
                failed = True
            progress.advance(task, len(chunk))
    if failed:
        raise typer.Exit(1)


@app.command()
def get(article_id: str) -> None:
    """Print one enriched article from the query service."""
    with client.http_client() as http:
        response = http.get(f"{client.query_url()}/v1/articles/{article_id}")
    if response.status_code != 200:
        say(f"{response.status_code}: {response.json().get('detail', response.text)}")
        raise typer.Exit(1)
    _print_json(response.json())


@app.command()
def enrich(paths: Annotated[list[Path], typer.Argument(help="article files (.txt, .json, .html)")]) -> None:
    """Enrich files in-process (no broker, no database); one JSON document per input, in input order."""
    from services.enrich.documents import enriched_document
    from services.enrich.enrichment import ArticleText, Enricher, UnprocessableArticle
    from shared.messages import ArticleSubmitted
    from shared.submission import article_id

    enricher = Enricher.load()
    pipeline = enricher.pipeline(worker="newsflow-enrich-cli")
    failed = False
    for path in paths:
        try:
            article = read_article(path)
        except InputError as exc:
            _print_json({"input": str(path), "error": str(exc)})
            failed = True
            continue
        submission = ArticleSubmitted(id=article_id(article), article=article, received_at=datetime.now(UTC))
        [result] = enricher.enrich_batch([ArticleText(article.title, article.body, article.language)])
        if isinstance(result, UnprocessableArticle):
            _print_json({"input": str(path), "error": f"enrichment failed: {result}"})
            failed = True
            continue
        _print_json(enriched_document(submission, result, pipeline).model_dump(mode="json"))
    if failed:
        raise typer.Exit(1)


@app.command()
def reenrich() -> None:
    """Re-publish stored articles whose pipeline version is older than this code's."""
    from cli.reenrichment import republish_outdated
    from services.enrich.enrichment import PIPELINE_VERSION

    db_settings = DatabaseSettings(mongodb_url=os.environ.get("NEWSFLOW_MONGODB_URL", "mongodb://127.0.0.1:27017"))
    count = asyncio.run(republish_outdated(_broker_settings(), db_settings, PIPELINE_VERSION))
    say(f"re-published {count} article(s) for enrichment with pipeline {PIPELINE_VERSION}")


@dlq_app.command("list")
def dlq_list(limit: Annotated[int, typer.Option(min=1, max=100_000)] = 1_000) -> None:
    """Show parked messages: id, reason, and the broker's dead-letter record (they stay parked)."""
    from cli.deadletters import list_parked

    for parked in asyncio.run(list_parked(_broker_settings(), limit=limit)):
        _print_json({"id": parked.message_id, "reason": parked.reason, "death": parked.death, "bytes": parked.size})


@dlq_app.command("replay")
def dlq_replay(ids: Annotated[list[str] | None, typer.Argument(help="message ids; none means all")] = None) -> None:
    """Send parked messages back to the work queue."""
    from cli.deadletters import replay

    count = asyncio.run(replay(_broker_settings(), set(ids) if ids else None))
    say(f"replayed {count} message(s)")


@eval_app.command("ner")
def eval_ner(path: Path) -> None:
    """Exact-span P/R/F1 per label on a 4-column CoNLL file (ours and the bare model's)."""
    from cli.evaluation import evaluate_ner
    from services.enrich.enrichment import Enricher

    _print_json(evaluate_ner(Enricher.load(), path))


@eval_app.command("summary")
def eval_summary(directory: Path) -> None:
    """ROUGE-1/2/L F1 at a 75-word budget on `News Articles/` + `Summaries/` (ours and lead-3)."""
    from cli.evaluation import evaluate_summaries
    from services.enrich.enrichment import Enricher

    _print_json(evaluate_summaries(Enricher.load(), directory))


def main() -> None:
    app()
