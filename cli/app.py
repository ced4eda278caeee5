"""The `newsflow` command: run the local stack, post and fetch articles, enrich offline, operate queues."""

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO, TypeVar

import httpx
import typer
from aiormq.exceptions import ChannelNotFoundEntity
from pymongo.errors import PyMongoError
from rich.console import Console
from rich.progress import Progress

from cli import client
from cli.inputs import InputError, article_files, parse_article_text, read_article
from devstack import rabbitmq
from devstack.errors import SetupError
from devstack.keys import LOCAL_KEY_NAME, local_secret
from devstack.pipeline import start_pipeline
from devstack.ports import free_port
from devstack.secantus import SecantusServer
from devstack.stack import Stack
from devstack.workspace import STATE_DIR_NAME, state_dir
from shared.keys import Scope
from shared.settings import BrokerSettings, DatabaseSettings
from shared.validation import shorten

if TYPE_CHECKING:
    from services.enrich.linking import Override

app = typer.Typer(
    help="Newsflow: enrich news articles (entities, summaries, keywords) and query them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
dlq_app = typer.Typer(help="Inspect, replay and purge the dead-letter queue.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure the enrichment against annotated data.", no_args_is_help=True)
keys_app = typer.Typer(help="List API keys by name, and make new ones (docs/security.md).", no_args_is_help=True)
entities_app = typer.Typer(help="Maintain the entity registry (docs/corpus.md).", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
app.add_typer(entities_app, name="entities")
app.add_typer(eval_app, name="eval")
app.add_typer(keys_app, name="keys")

BATCH_POST_SIZE = 500  # articles per POST /v1/articles:batch (the server takes up to 1,000)


def say(message: str) -> None:
    """Progress messages go to stderr, so stdout carries only documents."""
    print(f"newsflow: {message}", file=sys.stderr, flush=True)


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


def _broker_settings() -> BrokerSettings:
    return BrokerSettings(rabbitmq_url=os.environ.get("NEWSFLOW_RABBITMQ_URL", rabbitmq.DEFAULT_URL))


def _print_json(document: object) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command()
def run(
    workers: Annotated[int, typer.Option(min=1, max=32, help="enrichment worker processes")] = 1,
    post: Annotated[
        list[Path] | None, typer.Option(help="post these articles once ready and print them enriched")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print each enriched document as one JSON line (the default off a terminal)")
    ] = False,
) -> None:
    """Start the local stack (broker, database, ingest, query, workers) in the foreground until Ctrl-C.

    The processes' JSON logs go to .newsflow/logs/ (`newsflow logs`); the terminal shows what a person needs.
    """
    from cli.logs import logs_dir

    base = Path.cwd()
    rabbitmq_url = os.environ.get("NEWSFLOW_RABBITMQ_URL", rabbitmq.DEFAULT_URL)
    database = None
    mongodb_url = os.environ.get("NEWSFLOW_MONGODB_URL")
    try:
        rabbitmq.ensure_rabbitmq(rabbitmq_url, say)
        if not mongodb_url:
            database = SecantusServer(state_dir(base) / "mongodb", free_port(27017))
            say(f"no NEWSFLOW_MONGODB_URL: starting SecantusDB on {database.url} (data in {STATE_DIR_NAME}/)")
            database.start()
            mongodb_url = database.url
    except SetupError as exc:
        say(str(exc))
        raise typer.Exit(1) from None

    env = {
        "NEWSFLOW_RABBITMQ_URL": rabbitmq_url,
        "NEWSFLOW_MONGODB_URL": mongodb_url,
        "NEWSFLOW_API_KEYS": os.environ.get("NEWSFLOW_API_KEYS")
        or f"{LOCAL_KEY_NAME}:{local_secret('api-key', base)}:write",
        "NEWSFLOW_CURSOR_SECRET": os.environ.get("NEWSFLOW_CURSOR_SECRET") or local_secret("cursor-secret", base),
    }
    stack = Stack(env=env, log_dir=logs_dir(base), rotated_logs=True)
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        ingest_url, query_url = start_pipeline(
            stack,
            ingest_port=int(os.environ.get("NEWSFLOW_INGEST_PORT", "8001")),
            query_port=int(os.environ.get("NEWSFLOW_QUERY_PORT", "8002")),
            workers=workers,
        )
        _list_worker_metrics(base, stack)
        key_source = "NEWSFLOW_API_KEYS" if os.environ.get("NEWSFLOW_API_KEYS") else f"{STATE_DIR_NAME}/api-key"
        say("ready")
        say(f"  ingest   {ingest_url}  (API docs {ingest_url}/docs, metrics {ingest_url}/metrics)")
        say(f"  query    {query_url}  (API docs {query_url}/docs)")
        say(f"  workers  {workers}")
        say(f"  API key  {key_source}")
        say(f"  logs     {STATE_DIR_NAME}/logs/  (newsflow logs [SERVICE] -f)")
        say("  status   newsflow status --watch")
        os.environ.update(
            {
                "NEWSFLOW_INGEST_URL": ingest_url,
                "NEWSFLOW_QUERY_URL": query_url,
                "NEWSFLOW_API_KEYS": env["NEWSFLOW_API_KEYS"],
            }
        )
        for path in post or []:
            document = _post_and_wait(path)
            if as_json or not sys.stdout.isatty():
                _print_json(document)
            else:
                from rich.console import Console

                Console().print_json(data=document)
            for line in _summary(document):
                say(line)
        say("serving until Ctrl-C")
        while not stopping:
            for process in stack.processes:
                if not process.running:
                    say(
                        f"{process.name} exited with status {process.proc.returncode}; stopping "
                        f"(see {STATE_DIR_NAME}/logs/{process.name}.log and .out)"
                    )
                    raise typer.Exit(1)
            time.sleep(0.5)
    except (RuntimeError, TimeoutError, httpx.HTTPError, InputError) as exc:
        say(f"error: {exc}")
        raise typer.Exit(1) from None
    finally:
        say("stopping…")
        stack.stop_all()
        if database is not None:
            database.stop()


def _list_worker_metrics(base: Path, stack: Stack) -> None:
    """Where `newsflow status` finds the workers' metrics (`cli.status.worker_endpoints`)."""
    from cli.status import WORKER_ENDPOINTS_FILE

    urls = [process.metrics_url for process in stack.processes if process.name.startswith("enrich")]
    (state_dir(base) / WORKER_ENDPOINTS_FILE).write_text("".join(f"{url}\n" for url in urls if url))


def _summary(document: dict[str, Any], entities: int = 8) -> list[str]:
    """A few lines on an enriched document: what a person looks at first."""
    if document.get("status") != "enriched":
        return [f"{document.get('id')}: {document.get('status')} ({document.get('error', 'no reason given')})"]
    ranked = sorted(document.get("entities", []), key=lambda entity: -float(entity.get("salience", 0)))
    named = ", ".join(f"{entity['name']} ({entity['label']}, {entity['salience']:.2f})" for entity in ranked[:entities])
    words = (document.get("stats") or {}).get("words", "?")
    summary = (document.get("summary") or {}).get("text", "")
    return [
        f"enriched {document.get('id')}: {document.get('title', '')!r}",
        f"  language  {document.get('language') or 'unknown'}, {words} words",
        f"  entities  {named or 'none'}" + (f" and {len(ranked) - entities} more" if len(ranked) > entities else ""),
        f"  summary   {summary}",
    ]


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
    from services.enrich.nlp.enrichment import ArticleText, Enricher, UnprocessableArticle
    from services.enrich.stored_document import content_hash, enriched_document
    from shared.articles import article_id
    from shared.messages import ArticleSubmitted

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
        submission = ArticleSubmitted(
            id=article_id(article, LOCAL_KEY_NAME), owner=LOCAL_KEY_NAME, article=article, received_at=datetime.now(UTC)
        )
        [result] = enricher.enrich_batch([ArticleText(article.title, article.body, article.language)])
        if isinstance(result, UnprocessableArticle):
            _print_json({"input": str(path), "error": f"enrichment failed: {result}"})
            failed = True
            continue
        document = enriched_document(submission, result, pipeline, content_hash=content_hash(submission))
        _print_json(document.model_dump(mode="json"))
    if failed:
        raise typer.Exit(1)


@app.command()
def reenrich() -> None:
    """Re-publish stored articles whose pipeline version is older than this code's."""
    from cli.reenrichment import republish_outdated
    from services.enrich.nlp.enrichment import PIPELINE_VERSION

    count = _on_broker(republish_outdated(_broker_settings(), _database_settings(), PIPELINE_VERSION))
    say(f"re-published {count} article(s) for enrichment with pipeline {PIPELINE_VERSION}")


@entities_app.command("relink")
def entities_relink(
    everything: Annotated[
        bool, typer.Option("--all", help="every article, not only those linked by another version")
    ] = False,
) -> None:
    """Link stored articles again (those an older linker linked, or all), moving the registry's counts along."""
    from cli.relinking import outdated
    from services.enrich.linking import LINKER_VERSION

    count = asyncio.run(_relinked([{} if everything else outdated(LINKER_VERSION)]))
    say(f"relinked {count} article(s) with linker {LINKER_VERSION}")


@entities_app.command("merge")
def entities_merge(
    into: Annotated[str, typer.Argument(help="the entity that stays, e.g. person:tony-blair")],
    source: Annotated[str, typer.Argument(help="the entity that becomes part of it, e.g. person:blair")],
) -> None:
    """Record that SOURCE is INTO (an override that wins over automatic links), and relink their articles."""
    from cli.relinking import merge

    _record_override(source, lambda taken: merge(into, source))


@entities_app.command("split")
def entities_split(
    source: Annotated[str, typer.Argument(help="the entity to split, e.g. person:tony-blair")],
    alias: Annotated[str | None, typer.Option(help="move the mentions written this way")] = None,
    articles: Annotated[
        str | None, typer.Option(help="move its mentions in these articles (comma-separated ids)")
    ] = None,
    into: Annotated[
        str | None, typer.Option(help="the id they move to (default: the alias's own id, or SOURCE-split-N)")
    ] = None,
) -> None:
    """Record that some mentions linked to SOURCE are another entity (an override), and relink their articles."""
    from cli.relinking import split

    listed = [article.strip() for article in (articles or "").split(",") if article.strip()]
    _record_override(source, lambda taken: split(source, alias=alias, articles=listed, into=into, taken=taken))


def _record_override(source: str, build: "Callable[[int], Override]") -> None:
    from cli.relinking import OverrideError, affected
    from shared import database

    async def record() -> "tuple[Override, int]":
        settings = _database_settings()
        mongo = database.connect(settings)
        try:
            overrides = database.entity_overrides(database.database(mongo, settings))
            # A split of articles without --into gets the next free `-split-N` id.
            taken = await overrides.count_documents({"source": source, "articles.0": {"$exists": True}})
            override = build(taken).model_copy(update={"created_at": datetime.now(UTC)})
            await overrides.replace_one({"_id": override.id}, override.to_mongo(), upsert=True)
        finally:
            await mongo.close()
        return override, await _relinked(affected(override))

    try:
        override, count = asyncio.run(record())
    except OverrideError as exc:
        say(str(exc))
        raise typer.Exit(2) from None
    _print_json(override.to_mongo() | {"created_at": override.created_at.isoformat() if override.created_at else None})
    say(f"recorded {override.id}; relinked {count} article(s)")


async def _relinked(conditions: list[dict[str, Any]]) -> int:
    """Re-store the stored articles matching each condition through the store path, with a progress bar."""
    from cli.relinking import relink
    from services.enrich.linking import Linker
    from services.enrich.store import ArticleStore
    from shared import database

    settings = _database_settings()
    mongo = database.connect(settings)
    try:
        db = database.database(mongo, settings)
        store = ArticleStore(db, linker=await asyncio.to_thread(Linker))
        count = 0
        with Progress(console=None, transient=True) as progress:
            task = progress.add_task("relinking", total=None)
            for condition in conditions:
                count += await relink(
                    database.articles(db),
                    store.store,
                    condition=condition,
                    progress=lambda n: progress.advance(task, n),
                )
        return count
    finally:
        await mongo.close()


T = TypeVar("T")


def _on_broker(work: Coroutine[Any, Any, T]) -> T:
    """Run a broker command; a topology that is missing (and not ours to declare) is an error, not a traceback."""
    try:
        return asyncio.run(work)
    except ChannelNotFoundEntity as exc:
        say(f"the broker has no Newsflow queues ({exc}); run the setup step, or unset NEWSFLOW_DECLARE_TOPOLOGY")
        raise typer.Exit(1) from None


def _database_settings() -> DatabaseSettings:
    return DatabaseSettings(mongodb_url=os.environ.get("NEWSFLOW_MONGODB_URL", "mongodb://127.0.0.1:27017"))


@app.command("migrate-owners")
def migrate_owners(
    owner: Annotated[str, typer.Option(help="the key name that owns the articles stored before key names")],
) -> None:
    """Give articles stored before key names an owner and move them to that owner's ids (safe to run again)."""
    from cli.ownership import assign_owner
    from shared import database
    from shared.keys import KEY_NAME

    if not KEY_NAME.match(owner):
        say("--owner must be a key name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        raise typer.Exit(2)

    async def migrate() -> None:
        settings = _database_settings()
        mongo = database.connect(settings)
        try:
            result = await assign_owner(database.articles(database.database(mongo, settings)), owner)
        finally:
            await mongo.close()
        say(f"{result.moved} article(s) now owned by {owner!r}; {result.superseded} superseded by a newer post")

    asyncio.run(migrate())


@entities_app.command("recount")
def entities_recount(
    check: Annotated[
        bool, typer.Option("--check", help="only report differences (exit 1 if any); write nothing")
    ] = False,
    show: Annotated[int, typer.Option(min=0, help="differences to print")] = 50,
) -> None:
    """Count the registry and the article counters again from the stored articles, and fix any difference."""
    from cli.recount import Recount, recount
    from shared import database

    async def run() -> Recount:
        settings = _database_settings()
        mongo = database.connect(settings)
        try:
            return await recount(database.database(mongo, settings), write=not check)
        finally:
            await mongo.close()

    result = asyncio.run(run())
    for difference in result.differences[:show]:
        print(difference)
    records = len({(difference.collection, difference.record) for difference in result.differences})
    if not result.differences:
        say(f"recounted {result.articles} article(s): the registry and the counters are exact")
        return
    if check:
        say(f"recounted {result.articles} article(s): {records} record(s) differ")
        raise typer.Exit(1)
    say(f"recounted {result.articles} article(s): {records} record(s) differed and were rewritten")


# Dates `--since` takes; one without a zone is UTC.
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]


@app.command()
def export(
    since: Annotated[
        datetime | None, typer.Option(formats=DATE_FORMATS, help="only articles received at or after this (UTC)")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="write here (complete or not at all) instead of stdout")] = None,
) -> None:
    """Print stored articles as JSON lines, oldest first, as the query API answers them (a backup)."""
    from cli.archive import exported_lines
    from shared import database

    moment = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since

    async def write(stream: BinaryIO) -> int:
        settings = _database_settings()
        mongo = database.connect(settings)
        count = 0
        try:
            with _progress() as progress:
                task = progress.add_task("exporting", total=None)
                async for line in exported_lines(database.database(mongo, settings), since=moment):
                    stream.write(line)
                    count += 1
                    progress.advance(task)
        finally:
            await mongo.close()
        return count

    try:
        if output is None:
            count = asyncio.run(write(sys.stdout.buffer))
            sys.stdout.flush()
        else:
            # A backup that stopped half-way must not look like a whole one: the file gets its name once complete.
            partial = output.with_name(f"{output.name}.partial")
            with partial.open("wb") as stream:
                count = asyncio.run(write(stream))
            partial.replace(output)
    except OSError as exc:
        say(f"cannot write {output or 'stdout'}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    except PyMongoError as exc:
        say(f"the database did not answer: {type(exc).__name__}: {shorten(str(exc))}")
        raise typer.Exit(1) from None
    say(f"exported {count} article(s)" + (f" to {output}" if output is not None else ""))


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="JSON lines of articles (`newsflow export`, `newsflow enrich`), or -")],
    owner: Annotated[
        str | None,
        typer.Option(help="give every article this owner (a key name) and the id that owner's post of it has"),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=5_000,
            help="articles per transaction (default 200): a larger batch updates each registry record fewer times"
            " per article, and holds more in memory",
        ),
    ] = None,
) -> None:
    """Store articles from JSON lines through the workers' store path (safe to run again; newest wins)."""
    from cli.archive import BATCH, import_lines, store_path
    from shared import database
    from shared.keys import KEY_NAME

    if owner is not None and not KEY_NAME.match(owner):
        say("--owner must be a key name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        raise typer.Exit(2)

    async def store(stream: BinaryIO, size: int | None) -> tuple[int, list[tuple[int, str]]]:
        settings = _database_settings()
        mongo = database.connect(settings)
        try:
            db = database.database(mongo, settings)
            if settings.create_indexes:  # a restore into a new database finds the indexes it will need
                await database.ensure_indexes(db)
            with _progress() as progress:
                task = progress.add_task("importing", total=size)
                report = await import_lines(
                    await store_path(db),
                    stream,
                    owner=owner,
                    batch=batch_size or BATCH,
                    advance=lambda read: progress.advance(task, read),
                )
        finally:
            await mongo.close()
        return report.stored, report.refused

    try:
        if str(file) == "-":
            stored, refused = asyncio.run(store(sys.stdin.buffer, None))
        else:
            with file.open("rb") as stream:
                stored, refused = asyncio.run(store(stream, file.stat().st_size))
    except OSError as exc:
        say(f"cannot read {file}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    except PyMongoError as exc:
        say(f"the database did not answer: {type(exc).__name__}: {shorten(str(exc))}")
        raise typer.Exit(1) from None
    for number, reason in refused:
        say(f"{file}:{number}: not an article document: {reason}")
    say(f"imported {stored} article(s)" + (f"; {len(refused)} line(s) refused" if refused else ""))
    if refused:
        raise typer.Exit(1)


def _progress() -> Progress:
    """A progress bar on stderr (stdout may carry documents), shown only on a terminal."""
    console = Console(stderr=True)
    return Progress(console=console, transient=True, disable=not console.is_terminal)


@keys_app.command("list")
def keys_list(
    env_file: Annotated[Path, typer.Option(help="read when NEWSFLOW_API_KEYS is not set")] = Path(".env"),
) -> None:
    """Show each key's name, scope and a fingerprint of its secret (never the secret)."""
    from cli.keyfile import configured_keys

    try:
        keys = configured_keys(env_file)
    except ValueError as exc:
        say(str(exc))
        raise typer.Exit(1) from None
    for key in keys:
        _print_json({"name": key.name, "scope": key.scope.value, "fingerprint": key.fingerprint})


@keys_app.command("new")
def keys_new(
    name: Annotated[str, typer.Argument(help="who the key is for; a rotation keeps the old key's name")],
    scope: Annotated[Scope, typer.Option(help="admin may act on any owner's articles")] = Scope.WRITE,
) -> None:
    """Print a new `NAME:SECRET:scope` entry to add to NEWSFLOW_API_KEYS (comma-separated), then restart."""
    from cli.keyfile import new_entry

    try:
        entry = new_entry(name, scope)
    except ValueError as exc:
        say(str(exc))
        raise typer.Exit(2) from None
    print(entry)
    say("add it to NEWSFLOW_API_KEYS in .env (comma-separated) and restart ingest and query")


@app.command()
def status(
    watch: Annotated[bool, typer.Option("--watch", help="refresh every INTERVAL seconds until Ctrl-C")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="a JSON document (one line per refresh)")] = False,
    interval: Annotated[float, typer.Option(min=1, max=300, help="seconds between readings")] = 5.0,
) -> None:
    """Queue depth and trend, rates, time to drain, workers, dead letters, documents and the last errors.

    From Prometheus when NEWSFLOW_PROMETHEUS_URL is set, else from the services' /metrics and the broker.
    """
    from cli.status import ServiceMetrics, StatusWatch, open_source, render

    def show(watcher: StatusWatch) -> None:
        current = watcher.status()
        if as_json:
            _print_json(current.as_json())
            return
        if watch:
            print("\033[2J\033[H", end="")  # clear the terminal: one screen, refreshed in place
        render(current, print)

    with httpx.Client(timeout=10, verify=client.tls_verification()) as http:
        source, peek = open_source(http, _broker_settings())
        watcher = StatusWatch(source, peek)
        watcher.sample()
        if isinstance(source, ServiceMetrics):
            time.sleep(interval)  # rates need a second reading; Prometheus has its own history
            watcher.sample()
        show(watcher)
        try:
            while watch:
                time.sleep(interval)
                watcher.sample()
                show(watcher)
        except KeyboardInterrupt:
            pass


@app.command()
def logs(
    service: Annotated[
        str | None, typer.Argument(help="ingest, query, enrich (every worker) or one process (enrich-2)")
    ] = None,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="keep showing lines as they are written")] = False,
    lines: Annotated[int, typer.Option("--lines", "-n", min=0, max=100_000, help="last lines to show")] = 20,
    raw: Annotated[bool, typer.Option("--raw", help="the JSON lines as written")] = False,
) -> None:
    """Show the local stack's logs (.newsflow/logs/, written by `newsflow run`), readably."""
    from cli.logs import follow as follow_logs
    from cli.logs import last_lines, log_files, logs_dir, readable

    directory = logs_dir()
    files = log_files(directory, service)
    if not files and not follow:
        say(f"no logs in {directory}" + (f" for {service!r}" if service else "") + "; `newsflow run` writes them")
        raise typer.Exit(1)

    def show(process: str, line: str) -> None:
        print(line if raw else readable(line, process), flush=True)

    for process, line in last_lines(files, lines):
        show(process, line)
    if follow:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends it
            follow_logs(directory, service, show, stop=lambda: False)


@dlq_app.command("list")
def dlq_list(limit: Annotated[int, typer.Option(min=1, max=100_000)] = 1_000) -> None:
    """Show parked messages: id, reason, and the broker's dead-letter record (they stay parked)."""
    from cli.deadletters import list_parked

    for parked in _on_broker(list_parked(_broker_settings(), limit=limit)):
        _print_json({"id": parked.message_id, "reason": parked.reason, "death": parked.death, "bytes": parked.size})


@dlq_app.command("replay")
def dlq_replay(ids: Annotated[list[str] | None, typer.Argument(help="message ids; none means all")] = None) -> None:
    """Send parked messages back to the work queue."""
    from cli.deadletters import replay

    count = _on_broker(replay(_broker_settings(), set(ids) if ids else None))
    say(f"replayed {count} message(s)")


@dlq_app.command("purge")
def dlq_purge(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="delete without asking")] = False,
) -> None:
    """Delete every parked message, after asking (they cannot be replayed afterwards)."""
    from cli.deadletters import parked_count, purge

    count = _on_broker(parked_count(_broker_settings()))
    if count == 0:
        say("the dead-letter queue is empty")
        return
    if not yes and not typer.confirm(f"delete {count} parked message(s)? They cannot be replayed afterwards"):
        say("nothing deleted")
        raise typer.Exit(1)
    say(f"deleted {_on_broker(purge(_broker_settings()))} parked message(s)")


@eval_app.command("ner")
def eval_ner(path: Path) -> None:
    """Exact-span P/R/F1 per label on a 4-column CoNLL file (ours and the bare model's)."""
    from cli.evaluation import evaluate_ner
    from services.enrich.nlp.enrichment import Enricher

    _print_json(evaluate_ner(Enricher.load(), path))


@eval_app.command("summary")
def eval_summary(directory: Path) -> None:
    """ROUGE-1/2/L F1 at a 75-word budget on `News Articles/` + `Summaries/` (ours and lead-3)."""
    from cli.evaluation import evaluate_summaries
    from services.enrich.nlp.enrichment import Enricher

    _print_json(evaluate_summaries(Enricher.load(), directory))


def main() -> None:
    app()
