"""`/v1/stats`: how many articles there are, by status, language, source and entity label."""

from fastapi import APIRouter

from services.query.deps import RepositoryDep, expensive_read, known_parameters, read_access
from services.query.schemas import Stats

router = APIRouter(prefix="/v1", tags=["stats"], dependencies=[read_access, known_parameters, expensive_read])


# It takes no parameters, so FastAPI lists no 422; `known_parameters` answers it to any query parameter.
@router.get("/stats", responses={422: {"description": "a query parameter was given; there are none"}, 429: {}, 503: {}})
async def stats(repository: RepositoryDep) -> Stats:
    """Article counts by status, language, source and entity label."""
    return await repository.stats()
