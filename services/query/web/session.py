"""The reader's session: the read key kept in a cookie, who is signed in, and whether the cookie must be Secure.

The cookie holds the key itself, so the API's `read_access` can take it on a GET (the article page's "JSON"
link) as it takes the header. It is `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page
sends it) and `Secure` when the page was served over TLS: directly, or through a proxy whose address is in
`NEWSFLOW_FORWARDED_ALLOW_IPS` and which says so in `X-Forwarded-Proto`. Anyone else's forwarded headers are
ignored.
"""

from ipaddress import IPv4Network, IPv6Network, ip_address
from urllib.parse import quote

from fastapi import Request, Response

from shared.http.auth import AccessPolicy
from shared.keys import ApiKey, Scope, find_key

KEY_COOKIE = "newsflow_key"
# A signed-in browser keeps the key for a working day; the key page asks again after that.
COOKIE_MAX_AGE_S = 12 * 60 * 60
MAX_NEXT_CHARS = 2_000

Network = IPv4Network | IPv6Network


class SignInRequired(Exception):
    """A page was asked for without a valid key: the answer is a redirect to the key page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def reading_key(policy: AccessPolicy, presented: str | None) -> ApiKey | None:
    """The key `presented` names if it may read, else None."""
    if not presented:
        return None
    key = find_key(policy.keys, presented)
    return key if key is not None and key.allows(Scope.READ) else None


async def page_reader(request: Request) -> ApiKey | None:
    """The signed-in key of a page request (None when reads are public); `SignInRequired` otherwise."""
    policy: AccessPolicy = request.app.state.access
    if policy.public_reads:
        return None
    key = reading_key(policy, request.cookies.get(KEY_COOKIE))
    if key is None:
        raise SignInRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return key


def local_path(target: str | None) -> str:
    """Where to go after signing in: a path of this site, never another site (`//evil.example`, `/\\evil`)."""
    if not target or len(target) > MAX_NEXT_CHARS or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def key_page_url(next_path: str) -> str:
    return "/key" if local_path(next_path) == "/" else f"/key?next={quote(local_path(next_path), safe='/')}"


def over_tls(request: Request, trusted: tuple[Network, ...]) -> bool:
    """Whether the browser reached this page over TLS (as far as this service can know)."""
    if request.url.scheme == "https":
        return True
    client = request.client.host if request.client else None
    if client is None or not trusted:
        return False
    try:
        address = ip_address(client)
    except ValueError:
        return False
    if not any(address in network for network in trusted):
        return False
    return request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https"


def keep_key(response: Response, secret: str, *, secure: bool) -> None:
    response.set_cookie(
        KEY_COOKIE, secret, max_age=COOKIE_MAX_AGE_S, path="/", secure=secure, httponly=True, samesite="strict"
    )


def forget_key(response: Response, *, secure: bool) -> None:
    response.delete_cookie(KEY_COOKIE, path="/", secure=secure, httponly=True, samesite="strict")
