"""`/v1/stats`: how many articles there are, by status, language, source and entity label."""

from fastapi import APIRouter

from services.query.deps import RepositoryDep, read_access
from services.query.schemas import Stats

router = APIRouter(tags=["stats"], dependencies=[read_access])


@router.get("/stats", responses={503: {}})
async def stats(repository: RepositoryDep) -> Stats:
    """Article counts by status, language, source and entity label."""
    return await repository.stats()
