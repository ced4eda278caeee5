"""`newsflow keys list|new`: keys shown by name and scope, never by secret; new entries in the new format."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from shared.keys import Scope, parse_api_keys

FEED = "feed-secret-0123456789abcdef"
FEED_NEXT = "feed-next-secret-0123456789abcdef"
DASH = "dash-secret-0123456789abcdef"


def test_list_shows_names_scopes_and_fingerprints_from_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSFLOW_API_KEYS", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text(f"# keys\nOTHER=1\nNEWSFLOW_API_KEYS=feed:{FEED}:write,feed:{FEED_NEXT},dash:{DASH}:read\n")

    result = CliRunner().invoke(app, ["keys", "list", "--env-file", str(env_file)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [(line.split('"name": ')[1].split(",")[0]) for line in lines] == ['"feed"', '"feed"', '"dash"']
    assert '"scope": "read"' in lines[2]
    for secret in (FEED, FEED_NEXT, DASH):
        assert secret not in result.output


def test_list_refuses_the_old_format_naming_the_new_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFLOW_API_KEYS", f"{FEED}:write")

    result = CliRunner().invoke(app, ["keys", "list", "--env-file", str(tmp_path / "missing")])

    assert result.exit_code == 1 and "NAME:SECRET" in result.output and FEED not in result.output


@pytest.mark.parametrize("scope", list(Scope))
def test_new_prints_an_entry_the_services_accept(scope: Scope) -> None:
    result = CliRunner().invoke(app, ["keys", "new", "feed", "--scope", scope.value])

    assert result.exit_code == 0, result.output
    [key] = parse_api_keys(result.stdout.strip())
    assert (key.name, key.scope) == ("feed", scope)


def test_new_refuses_a_name_that_is_not_one() -> None:
    assert CliRunner().invoke(app, ["keys", "new", "my feed"]).exit_code == 2
