"""`python -m services.query`: the query HTTP service."""

from services.query.app import create_app
from services.query.settings import QuerySettings
from shared.http.server import run_service

run_service("query", QuerySettings, create_app)
