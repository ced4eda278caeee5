"""API keys: parsing with scopes, constant-time lookup, and never showing a key in a repr."""

import pytest

from shared.keys import Scope, find_key, parse_api_keys

WRITE = "w" * 20
READ = "r" * 20


def test_keys_parse_with_scopes_and_write_implies_read() -> None:
    keys = parse_api_keys(f"{WRITE}, {READ}:read ,{'x' * 16}:write")
    assert [k.scope for k in keys] == [Scope.WRITE, Scope.READ, Scope.WRITE]
    assert keys[0].allows(Scope.READ) and keys[0].allows(Scope.WRITE)
    assert keys[1].allows(Scope.READ) and not keys[1].allows(Scope.WRITE)


@pytest.mark.parametrize("raw", ["", " , ", "short", f"{WRITE},tiny:read"])
def test_missing_or_short_keys_fail_fast(raw: str) -> None:
    with pytest.raises(ValueError, match="API key"):
        parse_api_keys(raw)


def test_find_key_matches_exactly() -> None:
    keys = parse_api_keys(f"{WRITE},{READ}:read")
    assert find_key(keys, READ) is keys[1]
    assert find_key(keys, READ[:-1]) is None
    assert find_key(keys, READ + "r") is None


def test_repr_hides_the_secret() -> None:
    [key] = parse_api_keys(WRITE)
    assert WRITE not in repr(key) and WRITE not in str([key])
