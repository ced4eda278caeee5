"""The reader's pages: search, article, entity, overview, and the key page that signs a browser in.

Each page reads through the same `Repository` methods as the API routes, with the API's parameter models
and limits, and through the same admission of expensive reads. The pages stay out of the OpenAPI document.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from services.query.cursor import InvalidCursor, Position
from services.query.deps import Admission, CursorsDep, Pages, RepositoryDep
from services.query.params import ENTITY_ID_PATTERN, TIMELINE_DEFAULT_BUCKETS
from services.query.repository import ArticleFilter, ArticleSort, Facets, RelatedSort
from services.query.schemas import ArticleItem
from services.query.settings import QuerySettings
from services.query.web.annotated import mentions, runs
from services.query.web.chart import bar_chart
from services.query.web.page_route import PageRoute
from services.query.web.rendering import LABEL_NAMES, page
from services.query.web.search import PAGE_SIZE, Search
from services.query.web.session import (
    forget_key,
    keep_key,
    local_path,
    over_tls,
    page_reader,
    reading_key,
)
from shared.http.auth import AccessPolicy
from shared.http.bodies import BodyTooLarge, read_body
from shared.keys import ApiKey
from shared.validation import compact_errors

router = APIRouter(include_in_schema=False, route_class=PageRoute)
ReaderDep = Annotated[ApiKey | None, Depends(page_reader)]
ArticleId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
EntityId = Annotated[str, Path(pattern=ENTITY_ID_PATTERN, max_length=120)]

# Facets are counted over this many of a search's newest matches, so a search page's cost is bounded.
FACET_SAMPLE = 1_000
FACET_VALUES = 10
RELATED = 10
# Lift favours entities met once by chance; the lift list leaves out those sharing fewer articles.
LIFT_MIN_SHARED = 2
RECENT_ARRIVALS = 10
# Arrivals are counted up to this many; beyond it the overview says "more than".
ARRIVALS_CAP = 100_000
MAX_FORM_BYTES = 4_096
FORM_TIMEOUT_S = 10.0


def _settings(request: Request) -> QuerySettings:
    settings: QuerySettings = request.app.state.settings
    return settings


def _error(request: Request, status: int, message: str) -> HTMLResponse:
    return page(request, "error.html", {"status": status, "message": message}, status=status)


def _invalid(exc: ValidationError) -> str:
    errors = compact_errors(exc.errors())
    return "; ".join(f"{error['loc']}: {error['msg']}" for error in errors[:3]) or "invalid search"


@router.get("/", response_class=HTMLResponse)
async def search_page(request: Request, repository: RepositoryDep, cursors: CursorsDep, key: ReaderDep) -> Response:
    """Search: the words box, facets over the newest matches, results and a keyset "more"."""
    search = Search.of(request.query_params)
    pages = Pages(cursors)
    try:
        params = search.params()
        spec = params.to_filter()
        position = pages.position(params)
    except ValidationError as exc:
        return page(request, "search.html", _empty_search(search, _invalid(exc)), status=422)
    except HTTPException as exc:
        return page(request, "search.html", _empty_search(search, str(exc.detail)), status=exc.status_code)
    except InvalidCursor as exc:
        return page(request, "search.html", _empty_search(search, str(exc)), status=400)
    admission = Admission(request, key)
    # "More" asked by htmx: only the next results, appended to the list (the facets are already shown).
    more_only = request.headers.get("HX-Request") == "true" and position is not None

    async def listing() -> tuple[list[ArticleItem], Position | None, bool]:
        if params.sort is ArticleSort.RELEVANCE:
            async with admission.slot():
                return await repository.articles(spec, params.sort, limit=PAGE_SIZE, position=position)
        return await repository.articles(spec, params.sort, limit=PAGE_SIZE, position=position)

    async def counted() -> Facets | None:
        if more_only:
            return None
        async with admission.slot():
            return await repository.facets(spec, sample=FACET_SAMPLE, values=FACET_VALUES)

    (items, after, estimate), facets = await asyncio.gather(listing(), counted())
    next_cursor = pages.next_cursor(params, after)
    context = {
        "search": search,
        "items": items,
        "estimate": estimate,
        "more_url": search.url(cursor=next_cursor) if next_cursor else None,
        "facets": facets,
        "facet_sample": FACET_SAMPLE,
        "error": None,
        "names": _entity_names(facets),
    }
    response = page(request, "results.html" if more_only else "search.html", context)
    response.headers["Vary"] = "HX-Request"
    return response


def _empty_search(search: Search, error: str) -> dict[str, object]:
    return {
        "search": search,
        "items": [],
        "estimate": False,
        "more_url": None,
        "facets": None,
        "facet_sample": FACET_SAMPLE,
        "error": error,
        "names": {},
    }


def _entity_names(facets: Facets | None) -> dict[str, str]:
    return {entry.value: entry.name or entry.value for entry in facets.entities} if facets else {}


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article_page(request: Request, article_id: ArticleId, repository: RepositoryDep, _: ReaderDep) -> Response:
    """One article: its text with every mention marked, the summary, key phrases, entities and provenance."""
    stored = await repository.article(article_id)
    if stored is None:
        return _error(request, 404, f"No article has the id {article_id} (yet).")
    summary = stored.get("summary") or {}
    sentences = [(sentence["start"], sentence["end"]) for sentence in summary.get("sentences", [])]
    entities = sorted(stored.get("entities", []), key=lambda entity: (-entity["salience"], entity["id"]))
    labels = [label for label in LABEL_NAMES if any(entity["label"] == label for entity in entities)]
    context = {
        "article": stored,
        "title_runs": runs(stored.get("title", ""), mentions(stored, "title")),
        "body_runs": runs(stored.get("body", ""), mentions(stored, "body"), sentences),
        "entities": entities,
        "labels": labels,
        "json_url": f"/v1/articles/{article_id}",
    }
    return page(request, "article.html", context)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
async def entity_page(
    request: Request,
    entity_id: EntityId,
    repository: RepositoryDep,
    key: ReaderDep,
    interval: Annotated[Literal["day", "week", "month"], Query()] = "week",
) -> Response:
    """One entity: names, counts, first and last seen, articles per week, related entities, recent articles."""
    async with Admission(request, key).slot():
        detail, timeline, by_count, by_lift = await asyncio.gather(
            repository.entity(entity_id),
            repository.timeline(entity_id, interval, start=None, end=None, buckets=TIMELINE_DEFAULT_BUCKETS[interval]),
            repository.related(entity_id, RelatedSort.COUNT, limit=RELATED, min_shared=1),
            repository.related(entity_id, RelatedSort.LIFT, limit=RELATED, min_shared=LIFT_MIN_SHARED),
        )
    if detail is None or timeline is None:
        return _error(request, 404, f"No stored article mentions the entity {entity_id}.")
    if detail.id != entity_id:  # a linked id (`gpe:usa`): the page of its entity has the canonical address
        suffix = f"?interval={interval}" if interval != "week" else ""
        return RedirectResponse(f"/entities/{detail.id}{suffix}", status_code=308)
    context = {
        "entity": detail,
        "chart": bar_chart(timeline),
        "interval": interval,
        "by_count": by_count,
        "by_lift": by_lift,
    }
    return page(request, "entity.html", context)


@router.get("/overview", response_class=HTMLResponse)
async def overview_page(request: Request, repository: RepositoryDep, key: ReaderDep) -> Response:
    """Totals by status, language, source and label, and what arrived in the last hour and day."""
    now = datetime.now(UTC)
    async with Admission(request, key).slot():
        stats, last_hour, last_day, (recent, _, _) = await asyncio.gather(
            repository.stats(),
            repository.received_since(now - timedelta(hours=1), limit=ARRIVALS_CAP),
            repository.received_since(now - timedelta(days=1), limit=ARRIVALS_CAP),
            repository.articles(ArticleFilter(), ArticleSort.RECEIVED_AT, limit=RECENT_ARRIVALS, position=None),
        )
    context = {
        "stats": stats,
        "last_hour": last_hour,
        "last_day": last_day,
        "cap": ARRIVALS_CAP,
        "recent": recent,
    }
    return page(request, "overview.html", context)


@router.get("/key", response_class=HTMLResponse)
async def key_page(request: Request, next: str | None = None) -> Response:
    """The form that asks for a read key."""
    policy: AccessPolicy = request.app.state.access
    if policy.public_reads:
        return RedirectResponse(local_path(next), status_code=303)
    return page(request, "key.html", {"next": local_path(next), "message": None, "signed_in": False})


def _same_origin(request: Request) -> bool:
    """A form post from a page of this site (browsers send `Origin` with every POST)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser, or one too old to say: the key must still be right
    return urlsplit(origin).netloc == request.headers.get("host")


@router.post("/key", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    """Check the key; if it may read, keep it in the cookie and go on to the page asked for."""
    if not _same_origin(request):
        return _error(request, 403, "Sign in from this site's own key page.")
    try:
        body = await read_body(request, MAX_FORM_BYTES, FORM_TIMEOUT_S)
    except BodyTooLarge:
        return _error(request, 413, "The form is too large.")
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=4)
    presented = (fields.get("key") or [""])[0].strip()
    target = local_path((fields.get("next") or ["/"])[0])
    policy: AccessPolicy = request.app.state.access
    key = reading_key(policy, presented)
    if key is None:
        message = "Enter a key." if not presented else "That key is not valid for reading: check it and try again."
        return page(request, "key.html", {"next": target, "message": message, "signed_in": False}, status=401)
    response = RedirectResponse(target, status_code=303)
    keep_key(response, presented, secure=over_tls(request, _settings(request).forwarded_allow_ips))
    return response


@router.post("/logout")
async def sign_out(request: Request) -> Response:
    """Forget the key: the cookie is cleared, and the key page is next."""
    response = RedirectResponse("/key", status_code=303)
    forget_key(response, secure=over_tls(request, _settings(request).forwarded_allow_ips))
    return response
