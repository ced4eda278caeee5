"""`/v1/entities`: entities of the registry ranked by their articles, one entity, its timeline and co-occurrences.

An id that the registry lists as linked to another entity (`gpe:usa` linked to `gpe:united-states`) answers
with that entity: the answer's `id` (or `entity`) is the canonical one.
"""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query

from services.query.deps import PagesDep, RepositoryDep, expensive_read, known_parameters, read_access
from services.query.params import ENTITY_ID_PATTERN, EntityListParams, RelatedParams, TimelineParams
from services.query.schemas import EntityDetail, EntityPage, RelatedEntities, Timeline

router = APIRouter(
    prefix="/v1/entities", tags=["entities"], dependencies=[read_access, known_parameters, expensive_read]
)

EntityId = Annotated[str, Path(pattern=ENTITY_ID_PATTERN, max_length=120, description="e.g. `person:qin-gang`")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no article mentions this entity"},
    429: {},
    503: {},
}


@router.get("", responses={400: {}, 429: {}, 503: {}})
async def list_entities(
    params: Annotated[EntityListParams, Query()], repository: RepositoryDep, pages: PagesDep
) -> EntityPage:
    """Entities ranked by the number of articles that mention them (in a range of at most 31 days, if given)."""
    items, position, estimate = await repository.entities(
        params.to_filter(), days=params.days(), limit=params.limit, position=pages.position(params)
    )
    return EntityPage(items=items, next_cursor=pages.next_cursor(params, position), estimate=estimate)


@router.get("/{entity_id}", responses=NOT_FOUND)
async def get_entity(entity_id: EntityId, repository: RepositoryDep) -> EntityDetail:
    """One entity: names, knowledge-base ids, article count, first and last seen, recent days and articles."""
    entity = await repository.entity(entity_id)
    if entity is None:
        raise HTTPException(404, f"entity {entity_id} not found")
    return entity


@router.get("/{entity_id}/timeline", responses=NOT_FOUND)
async def entity_timeline(
    entity_id: EntityId, params: Annotated[TimelineParams, Query()], repository: RepositoryDep
) -> Timeline:
    """Articles per day, ISO week or month (by published_at, else received_at, in UTC) over a bounded range."""
    timeline = await repository.timeline(
        entity_id, params.interval, start=params.start, end=params.end, buckets=params.buckets()
    )
    if timeline is None:
        raise HTTPException(404, f"entity {entity_id} not found")
    return timeline


@router.get("/{entity_id}/related", responses=NOT_FOUND)
async def related_entities(
    entity_id: EntityId, params: Annotated[RelatedParams, Query()], repository: RepositoryDep
) -> RelatedEntities:
    """Entities mentioned in the same articles (the entity's newest ones), by shared article count or by lift."""
    related = await repository.related(entity_id, params.sort, limit=params.limit, min_shared=params.min_shared)
    if related is None:
        raise HTTPException(404, f"entity {entity_id} not found")
    return related
