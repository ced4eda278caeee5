"""Request bodies read within a byte limit and a deadline, without buffering more."""

import asyncio

from fastapi import Request


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        self.limit = limit


class BodyTooSlow(Exception):
    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s


async def read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    """Read at most `limit` bytes of the body within `timeout_s`, without buffering more.

    More bytes (declared or actually sent) → 413; a body still arriving after `timeout_s` → 408, so a
    client trickling a byte at a time cannot hold a request open (uvicorn itself has no such timeout).
    """
    declared = request.headers.get("content-length")
    # `isascii`: "²".isdigit() is true, and int("²") raises.
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise BodyTooSlow(timeout_s) from None
    return b"".join(chunks)
