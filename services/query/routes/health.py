"""Probes: `/healthz` says the process serves requests, `/readyz` that MongoDB answers too. No key needed."""

import asyncio
import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError

from services.query.deps import RepositoryDep
from services.query.schemas import Health, Ready

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])

READY_TIMEOUT_S = 2.0  # a probe must answer before the orchestrator's own timeout


@router.get("/healthz")
async def healthz() -> Health:
    """The process is up."""
    return Health()


@router.get("/readyz", response_model=Ready, responses={503: {"description": "MongoDB does not answer"}})
async def readyz(repository: RepositoryDep) -> Ready | JSONResponse:
    """MongoDB answers a ping."""
    try:
        await asyncio.wait_for(repository.ping(), READY_TIMEOUT_S)
    except TimeoutError:
        return _not_ready(f"MongoDB did not answer a ping within {READY_TIMEOUT_S:g} s")
    except PyMongoError as exc:
        return _not_ready(f"MongoDB is unavailable ({type(exc).__name__})")
    return Ready()


def _not_ready(reason: str) -> JSONResponse:
    log.warning("not ready: %s", reason)
    return JSONResponse({"detail": reason}, 503)
