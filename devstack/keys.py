"""API keys and secrets of local runs: one set for the tests and benchmarks, one per checkout for `newsflow run`.

The test keys are fresh in every run, so nothing outside the run knows them; `newsflow run` keeps its own in
`.newsflow/` where the user can read them.
"""

import secrets
from pathlib import Path

from devstack.workspace import state_dir

WRITE_KEY = "dev-write-key-" + secrets.token_hex(8)
READ_KEY = "dev-read-key-" + secrets.token_hex(8)
API_KEYS = f"{WRITE_KEY},{READ_KEY}:read"  # NEWSFLOW_API_KEYS: a key without a scope may write
CURSOR_SECRET = secrets.token_urlsafe(32)


def local_secret(name: str, base: Path | None = None) -> str:
    """A random secret created once and kept in `.newsflow/<name>` (mode 600)."""
    path = state_dir(base) / name
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip()
