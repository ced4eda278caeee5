"""`python -m services.ingest`: the ingest HTTP service."""

from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared.http.server import run_service

run_service("ingest", IngestSettings, create_app)
