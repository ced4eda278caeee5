"""The request head limits hold on the parser the services run (httptools), tried over raw sockets.

Both services are real processes started like in production (`serve`), so what is tested is what an
attacker meets: a head over 16 KiB is answered 431 after the server read about that much, a head that
trickles in is cut at its deadline, and bodies, keep-alive and pipelining are untouched.
"""

import contextlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from devstack.keys import API_KEYS, CURSOR_SECRET, WRITE_KEY
from devstack.rabbitmq import rabbitmq_vhost
from devstack.stack import services_on_free_ports
from shared.http.protocol import HEADER_TIMEOUT_S, LINGER_S, MAX_HEADER_BYTES, TOO_LARGE, TOO_SLOW

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SERVICES = ("ingest", "query")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture(scope="module")
def ports(mongodb_url: str) -> Iterator[dict[str, int]]:
    """Ingest and query processes on free ports, by service name."""
    with rabbitmq_vhost() as (rabbitmq_url, _):
        env = {
            "NEWSFLOW_RABBITMQ_URL": rabbitmq_url,
            "NEWSFLOW_MONGODB_URL": mongodb_url,
            "NEWSFLOW_MONGODB_DATABASE": f"newsflow_limits_{secrets.token_hex(4)}",
            "NEWSFLOW_API_KEYS": API_KEYS,
            "NEWSFLOW_CURSOR_SECRET": CURSOR_SECRET,
            "NEWSFLOW_LOG_LEVEL": "WARNING",
        }
        with services_on_free_ports(SERVICES, env) as ports:
            yield ports


def exchange(port: int, request: bytes, *, timeout_s: float = 10.0) -> tuple[bytes, float]:
    """Send `request` (from a thread: the server may stop reading) and read until the server closes.

    Returns what was read and how long until the close; a reset counts as a close.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as sock:
        started = time.monotonic()

        def send() -> None:
            with contextlib.suppress(OSError):  # the server closed while the rest was still coming
                sock.sendall(request)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        received = bytearray()
        try:
            while chunk := sock.recv(65_536):
                received += chunk
        except ConnectionResetError:
            pass
        took = time.monotonic() - started
        sender.join(timeout_s)
    return bytes(received), took


def parse(raw: bytes) -> list[Answer]:
    """The HTTP/1.1 answers in `raw`, in order (every answer here carries a Content-Length)."""
    answers = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        length = int(headers["content-length"])
        answers.append(Answer(int(status_line.split()[1]), headers, rest[:length]))
        raw = rest[length:]
    return answers


def get(path: str = "/healthz", *, headers: dict[str, str] | None = None, close: bool = False) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: localhost"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def assert_refused_as_too_large(raw: bytes) -> None:
    (answer,) = parse(raw)
    assert answer.status == 431, answer
    assert answer.headers["connection"] == "close"
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert json.loads(answer.body) == {"detail": TOO_LARGE}


@pytest.mark.parametrize("service", SERVICES)
def test_a_64_kib_header_is_431_even_on_healthz(ports: dict[str, int], service: str) -> None:
    raw, _ = exchange(ports[service], get(headers={"X-Big": "a" * 65_536}))
    assert_refused_as_too_large(raw)


@pytest.mark.parametrize("service", SERVICES)
def test_many_small_headers_over_the_limit_are_431(ports: dict[str, int], service: str) -> None:
    headers = {f"X-Header-{n}": "v" * 100 for n in range(200)}  # about 22 KiB, each header small
    raw, _ = exchange(ports[service], get(headers=headers))
    assert_refused_as_too_large(raw)


@pytest.mark.parametrize("service", SERVICES)
def test_a_head_just_inside_the_limit_is_served(ports: dict[str, int], service: str) -> None:
    request = get(close=True, headers={"X-Fill": ""})
    request = get(close=True, headers={"X-Fill": "f" * (MAX_HEADER_BYTES - len(request))})
    assert len(request) == MAX_HEADER_BYTES
    raw, _ = exchange(ports[service], request)
    assert [answer.status for answer in parse(raw)] == [200]


@pytest.mark.parametrize("service", SERVICES)
def test_a_2_mb_request_line_is_refused_without_being_read_whole(ports: dict[str, int], service: str) -> None:
    raw, took = exchange(ports[service], get("/v1/articles?q=" + "x" * 2_000_000))
    if raw:  # the answer, unless the server's close reset the connection before the client read it
        assert_refused_as_too_large(raw)
    assert took < LINGER_S + 3, f"the connection stayed open {took:.1f}s"


def test_a_300_kb_body_reaches_ingest(ports: dict[str, int]) -> None:
    article = json.dumps({"title": "A long one", "body": "word " * 60_000}).encode()
    assert len(article) > 300_000
    head = (
        "POST /v1/articles HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"X-API-Key: {WRITE_KEY}\r\nContent-Length: {len(article)}\r\n\r\n"
    )
    raw, _ = exchange(ports["ingest"], head.encode() + article)
    (answer,) = parse(raw)
    assert answer.status == 202, answer
    assert json.loads(answer.body)["status"] == "queued"


@pytest.mark.parametrize("service", SERVICES)
def test_pipelined_requests_are_each_answered(ports: dict[str, int], service: str) -> None:
    # Three heads of 10 KiB each: together over the limit, each inside it.
    big = {"X-Fill": "f" * 10_240}
    raw, _ = exchange(ports[service], get(headers=big) + get("/readyz", headers=big) + get(headers=big, close=True))
    assert [answer.status for answer in parse(raw)] == [200, 200, 200]


@pytest.mark.parametrize("service", SERVICES)
def test_keep_alive_counts_each_head_on_its_own(ports: dict[str, int], service: str) -> None:
    with socket.create_connection(("127.0.0.1", ports[service]), timeout=10) as sock:
        for _ in range(3):
            sock.sendall(get(headers={"X-Fill": "f" * 10_240}))
            raw = bytearray()
            while b"\r\n\r\n" not in raw or not raw.endswith(b"}"):
                raw += sock.recv(65_536)
            assert [answer.status for answer in parse(bytes(raw))] == [200]


@pytest.mark.parametrize("service", SERVICES)
def test_a_later_request_on_the_connection_is_limited_like_the_first(ports: dict[str, int], service: str) -> None:
    with socket.create_connection(("127.0.0.1", ports[service]), timeout=10) as sock:
        sock.sendall(get())
        first = bytearray()
        while not first.endswith(b"}"):
            first += sock.recv(65_536)
        assert [answer.status for answer in parse(bytes(first))] == [200]
        sock.sendall(get(headers={"X-Big": "a" * 65_536}))
        second = bytearray()
        while chunk := sock.recv(65_536):
            second += chunk
    assert_refused_as_too_large(bytes(second))


@pytest.mark.parametrize("service", SERVICES)
def test_a_pipelined_oversized_head_is_refused_after_the_answers_before_it(ports: dict[str, int], service: str) -> None:
    raw, _ = exchange(ports[service], get() + get(headers={"X-Big": "a" * 65_536}))
    assert [answer.status for answer in parse(raw)] == [200, 431]
    assert_refused_as_too_large(raw[raw.index(b"HTTP/1.1 431") :])


@pytest.mark.slow
def test_headers_that_trickle_in_or_never_come_are_cut_at_the_deadline(ports: dict[str, int]) -> None:
    def hold(port: int, trickle: bool) -> tuple[bytes, float]:
        """Send a request line then a header name one byte every half second (or nothing at all)."""
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            started = time.monotonic()
            if trickle:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            received = bytearray()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                while time.monotonic() - started < HEADER_TIMEOUT_S + 10:
                    if trickle:
                        sock.sendall(b"X")
                    try:
                        chunk = sock.recv(65_536)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    received += chunk
            return bytes(received), time.monotonic() - started

    cases = [(ports[service], trickle) for service in SERVICES for trickle in (True, False)]
    with ThreadPoolExecutor(len(cases)) as pool:
        results = list(pool.map(lambda case: hold(*case), cases))
    for raw, took in results:
        assert HEADER_TIMEOUT_S - 1 < took < HEADER_TIMEOUT_S + LINGER_S + 3, f"closed after {took:.1f}s"
        if raw:  # the answer, unless the close reset the connection before the client read it
            (answer,) = parse(raw)
            assert answer.status == 408
            assert answer.headers["connection"] == "close"
            assert json.loads(answer.body) == {"detail": TOO_SLOW}
