"""`python -m services.query`: the query HTTP service."""

import uvicorn

from services.query.app import create_app
from services.query.settings import QuerySettings
from shared.logs import configure_logging
from shared.service import GRACEFUL_SHUTDOWN_S, load_settings

settings = load_settings(QuerySettings, "query")
configure_logging("query", settings.log_level)
uvicorn.run(
    create_app(settings),
    host=settings.host,
    port=settings.port,
    log_config=None,
    # In-flight requests finish within Docker's 10 s between SIGTERM and SIGKILL.
    timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    # Nothing here depends on the client address, so forwarded headers are not trusted.
    proxy_headers=False,
    server_header=False,
)
