"""`python -m services.query`: the query HTTP service."""

from services.query.app import create_app
from services.query.settings import QuerySettings
from shared.http.server import serve
from shared.settings import load_settings

settings = load_settings(QuerySettings, "query")
serve(
    create_app(settings),
    service="query",
    host=settings.host,
    port=settings.port,
    log_level=settings.log_level,
    log_file=settings.log_file,
)
