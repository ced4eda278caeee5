"""The `newsflow` command as a user runs it: `run` (what `make run` does) and `enrich`."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devstack.corpus import by_file_name, read_folder
from devstack.ports import free_port
from devstack.rabbitmq import rabbitmq_vhost
from devstack.workspace import ROOT, SEED_ARTICLE

pytestmark = pytest.mark.integration
NEWSFLOW = [str(Path(sys.executable).parent / "newsflow")]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


@pytest.mark.e2e
def test_run_starts_the_stack_posts_the_sample_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with rabbitmq_vhost() as (amqp_url, _):
        env = _env(
            NEWSFLOW_RABBITMQ_URL=amqp_url,
            NEWSFLOW_INGEST_PORT=str(free_port()),
            NEWSFLOW_QUERY_PORT=str(free_port()),
        )
        # The services' logs go to a file: a pipe nobody reads would fill up and block them.
        with (
            (tmp_path / "stderr.log").open("w") as errors,
            subprocess.Popen(
                [*NEWSFLOW, "run", "--post", str(SEED_ARTICLE)],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            ) as proc,
        ):
            try:
                assert proc.stdout is not None
                line = proc.stdout.readline()  # blocks until the enriched document is printed
                assert line, (tmp_path / "stderr.log").read_text()[-3000:]
                document = json.loads(line)
                assert document["status"] == "enriched"
                assert document["title"] == "Beijing calls for dialogue on Ukraine crisis"
                names = {(e["name"], e["label"]) for e in document["entities"]}
                assert {("Qin Gang", "PERSON"), ("Dmytro Kuleba", "PERSON"), ("China", "GPE")} <= names
                assert proc.poll() is None, "keeps serving after printing"
                # The local key and the database files live in the project-local, git-ignored folder.
                assert (tmp_path / ".newsflow" / "api-key").stat().st_mode & 0o077 == 0
                assert (tmp_path / ".newsflow" / "mongodb").is_dir()
                _terminal_is_readable_and_the_logs_are_in_files(tmp_path, env, document["id"])
                started = time.monotonic()
                proc.send_signal(signal.SIGINT)
                assert proc.wait(timeout=60) == 0
                assert time.monotonic() - started < 30
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()


def _terminal_is_readable_and_the_logs_are_in_files(tmp_path: Path, env: dict[str, str], article_id: str) -> None:
    """The terminal says where things are and sums the sample up; the JSON logs are in a file per process."""
    deadline = time.monotonic() + 30  # the summary follows the document on stdout
    while "  summary   " not in (terminal := (tmp_path / "stderr.log").read_text()):
        assert time.monotonic() < deadline, terminal[-2000:]
        time.sleep(0.1)
    assert "newsflow: ready" in terminal
    assert "API key  .newsflow/api-key" in terminal
    assert "language  en" in terminal
    assert "entities  " in terminal and "Qin Gang (PERSON" in terminal
    assert "summary   " in terminal
    assert not [line for line in terminal.splitlines() if line.startswith("{")], "JSON log lines on the terminal"
    logs = tmp_path / ".newsflow" / "logs"
    assert {"ingest.log", "query.log", "enrich-1.log"} <= {path.name for path in logs.glob("*.log")}
    stored = [json.loads(line) for line in (logs / "enrich-1.log").read_text().splitlines()]
    assert any(record["message"] == "article stored" and record["article_id"] == article_id for record in stored)
    shown = subprocess.run(
        [*NEWSFLOW, "logs", "enrich", "-n", "200"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    assert any("article stored" in line and f"article_id={article_id}" in line for line in shown.stdout.splitlines())
    assert "ingest" not in shown.stdout


def test_enrich_prints_one_document_per_input_in_order_and_fails_on_bad_input(tmp_path: Path) -> None:
    as_json = tmp_path / "story.json"
    as_json.write_text(
        json.dumps(
            {
                "title": "Floods in Kenya",
                "body": "Heavy rain flooded Nairobi on Monday, "
                "the Kenya Red Cross said. President William Ruto visited Mombasa.",
            }
        )
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "no body"}')
    missing = tmp_path / "missing.txt"
    result = subprocess.run(
        [*NEWSFLOW, "enrich", str(SEED_ARTICLE), str(broken), str(as_json), str(missing)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["status"] == "enriched"
    assert lines[0]["source"] == "China Daily"
    assert lines[1]["input"] == str(broken)
    assert "body" in lines[1]["error"]
    assert lines[2]["title"] == "Floods in Kenya"
    assert any(e["id"] == "gpe:kenya" or e["name"] == "Nairobi" for e in lines[2]["entities"])
    assert lines[3] == {"input": str(missing), "error": lines[3]["error"]}
    assert "cannot read" in lines[3]["error"]


@pytest.mark.slow
def test_enrich_handles_a_3_mb_article_in_chunks(tmp_path: Path) -> None:
    bodies = []
    size = 0
    for article in by_file_name(read_folder("wikinews-bulk")):
        bodies.append(article.body)
        size += len(article.body.encode()) + 2
        if size > 3_000_000:
            break
    big = tmp_path / "big.txt"
    big.write_text("A very long digest of world news\n\n" + "\n\n".join(bodies))
    assert big.stat().st_size > 3_000_000
    result = subprocess.run([*NEWSFLOW, "enrich", str(big)], env=_env(), capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, result.stderr[-2000:]
    [document] = [json.loads(line) for line in result.stdout.splitlines()]
    body = document["body"]
    assert len(body) > 2_900_000
    assert document["entities"]
    for entity in document["entities"][:50]:
        for mention in entity["mentions"]:
            assert document[mention["field"]][mention["start"] : mention["end"]] == mention["text"]
    # Mentions exist near the end too: the whole text was processed, not only the first chunk.
    assert max(m["start"] for e in document["entities"] for m in e["mentions"]) > len(body) - 50_000
