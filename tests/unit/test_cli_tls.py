"""The CLI over HTTPS: it trusts the CA that NEWSFLOW_CA_BUNDLE or --ca-bundle names (compose's proxy), and
refuses a certificate nobody vouched for."""

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from scripts.dev_certificates import write_certificates

DOCUMENT = {"id": "a1", "status": "enriched"}


class _Article(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(DOCUMENT).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def tls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tls")
    write_certificates(directory)
    return directory


@pytest.fixture
def https_url(tls_dir: Path) -> Iterator[str]:
    """A query service stand-in serving the development certificate, as the proxy does."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Article)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_dir / "server.crt", tls_dir / "server.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    environment = {"NEWSFLOW_QUERY_URL": url, "NEWSFLOW_API_KEY": "k" * 32, **(env or {})}
    result = CliRunner().invoke(app, [*args, "get", "a1"], env=environment)
    return result.exit_code, result.output + repr(result.exception)


def test_ca_bundle_option_trusts_the_development_ca(https_url: str, tls_dir: Path) -> None:
    code, output = _get(https_url, "--ca-bundle", str(tls_dir / "ca.crt"))
    assert code == 0, output
    assert json.loads(output.splitlines()[0]) == DOCUMENT


def test_ca_bundle_variable_trusts_the_development_ca(https_url: str, tls_dir: Path) -> None:
    code, output = _get(https_url, env={"NEWSFLOW_CA_BUNDLE": str(tls_dir / "ca.crt")})
    assert code == 0, output


def test_without_the_ca_the_certificate_is_refused(https_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSFLOW_CA_BUNDLE", raising=False)
    code, output = _get(https_url)
    assert code != 0
    assert "CERTIFICATE_VERIFY_FAILED" in output
