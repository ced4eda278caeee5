"""API keys: named entries with scopes, the old format refused, constant-time lookup, no key in a repr."""

import pytest

from shared.keys import Scope, find_key, parse_api_keys

WRITE = "w" * 20
READ = "r" * 20
ADMIN = "a" * 20


def test_keys_parse_with_names_and_scopes_and_each_scope_implies_the_lower_ones() -> None:
    keys = parse_api_keys(f"feed:{WRITE}, dash:{READ}:read ,ops:{ADMIN}:admin,feed.2:{'x' * 16}:write")
    assert [(k.name, k.scope) for k in keys] == [
        ("feed", Scope.WRITE),
        ("dash", Scope.READ),
        ("ops", Scope.ADMIN),
        ("feed.2", Scope.WRITE),
    ]
    assert keys[0].allows(Scope.READ) and keys[0].allows(Scope.WRITE) and not keys[0].allows(Scope.ADMIN)
    assert keys[1].allows(Scope.READ) and not keys[1].allows(Scope.WRITE)
    assert all(keys[2].allows(scope) for scope in Scope)


def test_a_name_may_have_two_secrets_during_a_rotation() -> None:
    old, new = parse_api_keys(f"feed:{WRITE},feed:{ADMIN}")
    assert old.name == new.name == "feed" and old.fingerprint != new.fingerprint


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "at least one"),
        (" , ", "at least one"),
        ("feed:short", "at least 16"),
        (f"feed:{WRITE},dash:tiny:read", "at least 16"),
        (WRITE, "no name"),  # the format before names
        (f"{WRITE}:read", "no name"),
        (f"{WRITE}:write", "no name"),
        (f"feed:{WRITE}:owner", "unknown scope"),
        (f"feed:{WRITE}:read:x", "too many"),
        (f"-feed:{WRITE}", "name"),
        (f"my feed:{WRITE}", "name"),
        (f"feed:{WRITE},dash:{WRITE}:read", "appears twice"),
    ],
)
def test_bad_entries_fail_fast_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        parse_api_keys(raw)
    assert WRITE not in str(caught.value)


def test_find_key_matches_exactly() -> None:
    keys = parse_api_keys(f"feed:{WRITE},dash:{READ}:read")
    assert find_key(keys, READ) is keys[1]
    assert find_key(keys, READ[:-1]) is None
    assert find_key(keys, READ + "r") is None
    assert find_key(keys, f"dash:{READ}") is None


def test_repr_hides_the_secret() -> None:
    [key] = parse_api_keys(f"feed:{WRITE}")
    assert WRITE not in repr(key) and WRITE not in str([key])
    assert "feed" in repr(key)
