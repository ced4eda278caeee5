"""`python -m services.ingest`: the ingest HTTP service."""

from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared.http.server import serve
from shared.settings import load_settings

settings = load_settings(IngestSettings, "ingest")
serve(
    create_app(settings),
    service="ingest",
    host=settings.host,
    port=settings.port,
    log_level=settings.log_level,
    log_file=settings.log_file,
)
