"""Named API keys with scopes, and the constant-time lookup both HTTP services use.

`NEWSFLOW_API_KEYS` is a comma-separated list of `NAME:SECRET[:scope]`. The name is who the key is: an
article belongs to the name that submitted it (`shared.articles.article_id`), so a rotation keeps the name
and two secrets may share it while clients move from the old to the new one.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"  # write implies read
    ADMIN = "admin"  # admin implies write, and may act on any owner's articles


_RANK = {Scope.READ: 0, Scope.WRITE: 1, Scope.ADMIN: 2}
_SCOPES = {scope.value for scope in Scope}
KEY_FORMAT = "NAME:SECRET[:read|:write|:admin]"

# Shorter keys are guessable; `secrets.token_urlsafe(32)` (what the CLI and `make env` create) is 43 chars.
MIN_KEY_LENGTH = 16
# A name is stored with every article and shown in the query API, so it is a short, plain word.
KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class ApiKey:
    name: str
    secret: str
    scope: Scope

    def allows(self, needed: Scope) -> bool:
        return _RANK[self.scope] >= _RANK[needed]

    @property
    def fingerprint(self) -> str:
        """Tells two secrets of one name apart in `newsflow keys list` without showing either."""
        return hashlib.sha256(self.secret.encode()).hexdigest()[:8]

    def __repr__(self) -> str:  # keys must never reach logs, not even through a repr of the settings
        return f"ApiKey(name={self.name!r}, scope={self.scope.value!r}, secret='***')"


def _parse_entry(entry: str) -> ApiKey:
    parts = entry.split(":")
    if len(parts) == 1 or (len(parts) == 2 and parts[1] in _SCOPES):
        # The format before keys had names: refused rather than guessed, since the name decides article ids.
        raise ValueError(f"an API key entry has no name: each entry is {KEY_FORMAT} (docs/security.md)")
    if len(parts) > 3:
        raise ValueError(f"an API key entry has too many ':' parts: each entry is {KEY_FORMAT}")
    name, secret, scope = parts if len(parts) == 3 else (*parts, Scope.WRITE.value)
    if not KEY_NAME.match(name):
        raise ValueError("an API key name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if scope not in _SCOPES:
        raise ValueError(f"API key {name!r} has an unknown scope; each entry is {KEY_FORMAT}")
    if len(secret) < MIN_KEY_LENGTH:
        raise ValueError(f"every API key must be at least {MIN_KEY_LENGTH} characters long (key {name!r})")
    # A header carries visible ASCII; any other key could never be presented as configured.
    if not all("!" <= ch <= "~" for ch in secret):
        raise ValueError(f"an API key may only contain visible ASCII characters (no spaces) (key {name!r})")
    return ApiKey(name=name, secret=secret, scope=Scope(scope))


def parse_api_keys(raw: str) -> tuple[ApiKey, ...]:
    """Parse `NAME:SECRET[:scope],...`; an entry without a scope may write. A name may have several secrets."""
    keys: list[ApiKey] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key = _parse_entry(item)
        # The same secret twice would leave its name or scope to the order of the list.
        if any(hmac.compare_digest(known.secret, key.secret) for known in keys):
            raise ValueError(f"an API key secret appears twice (key {key.name!r}); give each secret once")
        keys.append(key)
    if not keys:
        raise ValueError(f"at least one API key is required, as {KEY_FORMAT}")
    return tuple(keys)


def find_key(keys: tuple[ApiKey, ...], presented: str) -> ApiKey | None:
    """Compare against every key in constant time, so timing reveals neither a key nor which one matched."""
    found = None
    candidate = presented.encode()
    for key in keys:
        if hmac.compare_digest(key.secret.encode(), candidate):
            found = key
    return found
