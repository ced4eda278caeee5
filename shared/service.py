"""Starting an HTTP service process: settings validated first, JSON logs, uvicorn with a graceful stop."""

import sys
from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI
from pydantic import ValidationError

from shared.api import compact_errors
from shared.http.protocol import MAX_HEADER_BYTES as MAX_HEADER_BYTES  # still importable from here
from shared.http.protocol import BoundedHttpToolsProtocol
from shared.logs import configure_logging

S = TypeVar("S")

# Docker sends SIGKILL 10 s after SIGTERM; in-flight requests get most of that to finish.
GRACEFUL_SHUTDOWN_S = 8
# An idle keep-alive connection is closed after this. Slow headers are cut by the protocol's own deadline;
# a slow body by the app's read timeout.
KEEP_ALIVE_S = 5


def load_settings(factory: Callable[[], S], service: str) -> S:
    """Build the settings or exit with status 2 and a readable reason (never a traceback)."""
    try:
        return factory()
    except ValidationError as exc:
        problems = "; ".join(f"NEWSFLOW_{e['loc'].upper()}: {e['msg']}" for e in compact_errors(exc.errors()))
        print(f"{service}: invalid configuration: {problems}", file=sys.stderr)
        raise SystemExit(2) from None


def serve(app: FastAPI, *, service: str, host: str, port: int, log_level: str) -> None:
    configure_logging(service, log_level)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        # httptools (installed for speed) has no head limit of its own: the protocol adds it (431).
        http=BoundedHttpToolsProtocol,
        # The same limit if h11 were ever chosen instead (it answers 400).
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE_S,
        server_header=False,  # no software version for a scanner to match against
        # Nothing depends on the client address, so forwarded headers are not trusted.
        proxy_headers=False,
    )
