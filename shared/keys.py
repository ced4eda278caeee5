"""API keys with scopes, and the constant-time lookup both HTTP services use."""

import hmac
from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"  # write implies read


# Shorter keys are guessable; `secrets.token_urlsafe(32)` (what the CLI and `make env` create) is 43 chars.
MIN_KEY_LENGTH = 16


@dataclass(frozen=True)
class ApiKey:
    secret: str
    scope: Scope

    def allows(self, needed: Scope) -> bool:
        return self.scope is Scope.WRITE or needed is Scope.READ

    def __repr__(self) -> str:  # keys must never reach logs, not even through a repr of the settings
        return f"ApiKey(scope={self.scope.value!r}, secret='***')"


def parse_api_keys(raw: str) -> tuple[ApiKey, ...]:
    """Parse `KEY[:scope],KEY[:scope],...`; a key without a scope may write."""
    keys: list[ApiKey] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        secret, _, scope = item.rpartition(":") if item.endswith((":read", ":write")) else (item, "", "write")
        if len(secret) < MIN_KEY_LENGTH:
            raise ValueError(f"every API key must be at least {MIN_KEY_LENGTH} characters long")
        # A header carries visible ASCII; any other key could never be presented as configured.
        if not all("!" <= ch <= "~" for ch in secret):
            raise ValueError("an API key may only contain visible ASCII characters (no spaces)")
        # `KEY:read,KEY:write` would leave the key's scope to the order of the list.
        if any(hmac.compare_digest(key.secret, secret) for key in keys):
            raise ValueError("an API key appears twice; give each key once, with one scope")
        keys.append(ApiKey(secret=secret, scope=Scope(scope)))
    if not keys:
        raise ValueError("at least one API key is required")
    return tuple(keys)


def find_key(keys: tuple[ApiKey, ...], presented: str) -> ApiKey | None:
    """Compare against every key in constant time, so timing reveals neither a key nor which one matched."""
    found = None
    candidate = presented.encode()
    for key in keys:
        if hmac.compare_digest(key.secret.encode(), candidate):
            found = key
    return found
