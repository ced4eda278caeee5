"""Running an HTTP service process: JSON logs, uvicorn with pinned limits and a graceful stop."""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from shared.http.protocol import MAX_HEADER_BYTES as MAX_HEADER_BYTES  # still importable from here
from shared.http.protocol import BoundedHttpToolsProtocol
from shared.logs import configure_logging
from shared.settings import HttpSettings, load_settings

# Docker sends SIGKILL 10 s after SIGTERM; in-flight requests get most of that to finish.
GRACEFUL_SHUTDOWN_S = 8
# An idle keep-alive connection is closed after this. Slow headers are cut by the protocol's own deadline;
# a slow body by the app's read timeout.
KEEP_ALIVE_S = 5


def serve(app: FastAPI, *, service: str, host: str, port: int, log_level: str, log_file: Path | None = None) -> None:
    configure_logging(service, log_level, log_file)
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


S = TypeVar("S", bound=HttpSettings)


def run_service(service: str, settings: Callable[[], S], create_app: Callable[[S], FastAPI]) -> None:
    """A service's `__main__`: its settings (or exit 2 with the reason), then its app, served until stopped."""
    loaded = load_settings(settings, service)
    serve(
        create_app(loaded),
        service=service,
        host=loaded.host,
        port=loaded.port,
        log_level=loaded.log_level,
        log_file=loaded.log_file,
    )
