"""Probes: `/healthz` says the process serves requests, `/readyz` that the broker connection is usable too."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.ingest.deps import PublisherDep

router = APIRouter()


@router.get("/healthz", include_in_schema=True)
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {}})
async def readyz(publisher: PublisherDep) -> JSONResponse:
    """Ready when the broker connection is usable."""
    if publisher.ready:
        return JSONResponse({"status": "ready"})
    return JSONResponse({"detail": "broker connection is down"}, status_code=503)
