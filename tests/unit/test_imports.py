"""A process imports only what it runs: the enrichment worker loads no web framework and no HTML extractor.

The worker's model process is spawned, so it imports the worker's entry point again (as `__mp_main__`) and
the model process module: importing both in a fresh interpreter shows what either process holds.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

WORKER_MODULES = ("services.enrich.__main__", "services.enrich.model_process")
NOT_FOR_THE_WORKER = ("fastapi", "uvicorn", "starlette", "trafilatura")

_PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted({module.split(".")[0] for module in sys.modules})))
"""


@pytest.fixture(scope="module")
def worker_imports() -> set[str]:
    """Top-level packages loaded by importing the worker's modules in a fresh interpreter."""
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, *WORKER_MODULES],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=REPO,
    )
    loaded: list[str] = json.loads(probe.stdout)
    return set(loaded)


def test_the_probe_sees_the_workers_own_imports(worker_imports: set[str]) -> None:
    assert {"services", "shared", "aio_pika", "pymongo", "pydantic"} <= worker_imports


@pytest.mark.parametrize("package", NOT_FOR_THE_WORKER)
def test_the_worker_does_not_import(worker_imports: set[str], package: str) -> None:
    assert package not in worker_imports
