"""The web reader as the query app serves it: the pages, their static files and the sign-in redirect."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from services.query.web.pages import router
from services.query.web.session import SignInRequired, key_page_url

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(SignInRequired)
    async def _sign_in(_: Request, exc: SignInRequired) -> RedirectResponse:
        return RedirectResponse(key_page_url(exc.next_path), status_code=303, headers={"Cache-Control": "no-store"})
