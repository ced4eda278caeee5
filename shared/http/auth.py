"""API-key access: the key headers, which keys exist, and the `require` dependency that checks a request's key."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

from shared.keys import ApiKey, Scope, find_key

# Two schemes on the same header, so the OpenAPI document says which scope each operation needs.
KEY_HEADERS = {
    Scope.READ: APIKeyHeader(
        name="X-API-Key", scheme_name="ReadKey", auto_error=False, description="a `read`, `write` or `admin` key"
    ),
    Scope.WRITE: APIKeyHeader(
        name="X-API-Key", scheme_name="WriteKey", auto_error=False, description="a `write` or `admin` key"
    ),
}


class AccessPolicy:
    """Which keys exist, and whether reads need one. Lives on `app.state.access`."""

    def __init__(self, keys: tuple[ApiKey, ...], *, public_reads: bool = False) -> None:
        self.keys = keys
        self.public_reads = public_reads


def require(scope: Scope, *, cookie: str | None = None) -> Callable[..., Awaitable[ApiKey | None]]:
    """A dependency that lets a request through only with a key of `scope` (or any, for public reads).

    With `cookie`, a GET without the header may present the key in that cookie instead (a browser following
    a link from a page; the cookie is `SameSite=Strict`, and a GET changes nothing).
    """

    async def check(request: Request, presented: Annotated[str | None, Depends(KEY_HEADERS[scope])]) -> ApiKey | None:
        policy: AccessPolicy = request.app.state.access
        if scope is Scope.READ and policy.public_reads:
            return None
        if not presented and cookie is not None and request.method in ("GET", "HEAD"):
            presented = request.cookies.get(cookie)
        if not presented:
            raise HTTPException(
                401, "missing API key: send it in the X-API-Key header", headers={"WWW-Authenticate": "X-API-Key"}
            )
        key = find_key(policy.keys, presented)
        if key is None:
            raise HTTPException(401, "invalid API key", headers={"WWW-Authenticate": "X-API-Key"})
        if not key.allows(scope):
            raise HTTPException(403, f"this API key may not {scope.value}")
        return key

    return check
