"""`/v1/articles`: one stored article, and filtered, sorted, paginated listings."""

from contextlib import nullcontext
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import Response

from services.query.deps import AdmissionDep, PagesDep, RepositoryDep, known_parameters, read_access
from services.query.params import ArticleListParams
from services.query.repository import ArticleSort
from services.query.schemas import ARTICLE_FIELDS, ArticleFields, ArticlePage, article_json

router = APIRouter(prefix="/v1/articles", tags=["articles"], dependencies=[read_access, known_parameters])

ArticleId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="16 lowercase hex digits; otherwise 422")]
# The pattern lists the field names themselves, so the schema accepts exactly the names the server knows.
_FIELD_NAME = f"({'|'.join(ARTICLE_FIELDS)})"
Fields = Annotated[
    str | None,
    Query(
        max_length=500,
        pattern=f"^{_FIELD_NAME}(,{_FIELD_NAME})*$",
        description=f"comma-separated top-level fields to return (`id` always is): {', '.join(ARTICLE_FIELDS)}",
    ),
]


@router.get("", responses={400: {}, 429: {}, 503: {}})
async def list_articles(
    params: Annotated[ArticleListParams, Query()], repository: RepositoryDep, pages: PagesDep, admission: AdmissionDep
) -> ArticlePage:
    """Articles matching every given filter, newest first unless `sort` says otherwise.

    Each request reads a bounded number of articles: a page may hold fewer than `limit` items, even none,
    while `next_cursor` says more may follow. Follow `next_cursor` until it is null.
    """
    spec = params.to_filter()
    position = pages.position(params)
    async with admission.slot() if params.sort is ArticleSort.RELEVANCE else nullcontext():
        items, position, estimate = await repository.articles(spec, params.sort, limit=params.limit, position=position)
    return ArticlePage(items=items, next_cursor=pages.next_cursor(params, position), estimate=estimate)


@router.get(
    "/{article_id}",
    response_model=ArticleFields,
    responses={404: {"description": "no stored article has this id (yet)"}, 503: {}},
)
async def get_article(article_id: ArticleId, repository: RepositoryDep, fields: Fields = None) -> Response:
    """The stored article, whole or reduced to `fields`."""
    chosen = tuple(dict.fromkeys(fields.split(","))) if fields else ()
    if not set(chosen) <= set(ARTICLE_FIELDS):
        raise HTTPException(422, "fields names an unknown field; the description of `fields` in /docs lists them")
    stored = await repository.article(article_id, chosen)
    if stored is None:
        raise HTTPException(404, f"article {article_id} not found")
    return Response(article_json(stored, chosen or ARTICLE_FIELDS), media_type="application/json")
