"""API keys and secrets of local runs: one set for the tests and benchmarks, one per checkout for `newsflow run`.

The test keys are fresh in every run, so nothing outside the run knows them; `newsflow run` keeps its own in
`.newsflow/` where the user can read them.
"""

import secrets
from pathlib import Path

from devstack.workspace import state_dir

WRITE_KEY = "dev-write-key-" + secrets.token_hex(8)
READ_KEY = "dev-read-key-" + secrets.token_hex(8)
# A second client that writes, and an administrator: the ownership tests need both.
OTHER_WRITE_KEY = "dev-other-key-" + secrets.token_hex(8)
ADMIN_KEY = "dev-admin-key-" + secrets.token_hex(8)
# The key names, which own the articles their keys submit (`shared.keys`).
WRITER = "writer"
OTHER_WRITER = "other-writer"
READER = "reader"
ADMIN = "admin"
# NEWSFLOW_API_KEYS: an entry without a scope may write.
API_KEYS = ",".join(
    (
        f"{WRITER}:{WRITE_KEY}",
        f"{READER}:{READ_KEY}:read",
        f"{OTHER_WRITER}:{OTHER_WRITE_KEY}",
        f"{ADMIN}:{ADMIN_KEY}:admin",
    )
)
# The name `newsflow run` gives the key it creates in `.newsflow/api-key`.
LOCAL_KEY_NAME = "local"
CURSOR_SECRET = secrets.token_urlsafe(32)


def local_secret(name: str, base: Path | None = None) -> str:
    """A random secret created once and kept in `.newsflow/<name>` (mode 600)."""
    path = state_dir(base) / name
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip()
