"""`newsflow keys`: the API keys a deployment has, by name, and new entries for `NEWSFLOW_API_KEYS`."""

import os
import secrets
from pathlib import Path

from shared.keys import KEY_NAME, ApiKey, Scope, parse_api_keys

VARIABLE = "NEWSFLOW_API_KEYS"


def configured_keys(env_file: Path) -> tuple[ApiKey, ...]:
    """The keys of NEWSFLOW_API_KEYS: from the environment when set there, as the services read it, else `env_file`."""
    if raw := os.environ.get(VARIABLE):
        return parse_api_keys(raw)
    if not env_file.is_file():
        raise ValueError(f"{VARIABLE} is not set and {env_file} does not exist")
    for line in env_file.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip().removeprefix("export ").strip() == VARIABLE:
            return parse_api_keys(value.strip().strip("'\""))
    raise ValueError(f"{env_file} has no {VARIABLE} line")


def new_entry(name: str, scope: Scope) -> str:
    """`NAME:SECRET:scope` with a fresh secret, to add to NEWSFLOW_API_KEYS."""
    if not KEY_NAME.match(name):
        raise ValueError("a key name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return f"{name}:{secrets.token_urlsafe(32)}:{scope.value}"
