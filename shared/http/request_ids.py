"""Request ids: each request gets one (or keeps the caller's `X-Request-ID`), in its log lines and its answer.

A caller's id is kept only when it is short and plain (letters, digits, `.`, `_`, `-`, `:`; at most 128), so
it can neither forge log fields nor grow the logs; otherwise the request gets an id of its own.
"""

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logs import request_context

HEADER = "X-Request-ID"
VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(given: str | None) -> str:
    """The caller's id when it is valid, else a new one."""
    if given is not None and VALID.match(given):
        return given
    return uuid.uuid4().hex


class RequestIds:
    """ASGI middleware: the id is in every log record made while the request is served, and in the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope).get(HEADER))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        with request_context(request_id):
            await self.app(scope, receive, send_with_id)
