"""An HTTP service's application: its title, its key policy, and JSON errors documented on every operation."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from shared.http.auth import AccessPolicy
from shared.http.errors import install_error_handlers

API_VERSION = "1.0.0"


def service_app(
    *,
    title: str,
    summary: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    access: AccessPolicy,
) -> FastAPI:
    """The app a service adds its routes, state and own error handlers to."""
    app = FastAPI(title=title, version=API_VERSION, summary=summary, lifespan=lifespan)
    app.state.access = access
    install_error_handlers(app)
    return app
