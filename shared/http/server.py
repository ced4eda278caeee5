"""Running an HTTP service process: JSON logs, uvicorn with pinned limits and a graceful stop."""

import uvicorn
from fastapi import FastAPI

from shared.logs import configure_logging

# Docker sends SIGKILL 10 s after SIGTERM; in-flight requests get most of that to finish.
GRACEFUL_SHUTDOWN_S = 8
# Request line plus headers; more is refused by h11 with a 400 before the app sees anything (h11's default,
# pinned here so an upgrade cannot raise it silently).
MAX_HEADER_BYTES = 16 * 1024
# An idle keep-alive connection is closed after this. Uvicorn has no timeout for a request that arrives
# slowly once it has started (slow headers or body): that needs a reverse proxy (docs/security.md).
KEEP_ALIVE_S = 5


def serve(app: FastAPI, *, service: str, host: str, port: int, log_level: str) -> None:
    configure_logging(service, log_level)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE_S,
        server_header=False,  # no software version for a scanner to match against
        # Nothing depends on the client address, so forwarded headers are not trusted.
        proxy_headers=False,
    )
