"""A group's name and its party's: "Tories", "Conservatives" and the Conservative Party are one entity.

A group (NORP) is linked by its singular ("Americans" -> "American"), by the nickname below if it has one, and
to the party of that name ("Republicans" -> Republican Party, "Democrats" -> Democratic Party) when the registry
knows the party. No package lists parties' nicknames; the few in common English use are listed here.
"""

from collections.abc import Mapping

PARTY_NICKNAMES: Mapping[str, str] = {
    "tory": "conservative",  # the UK Conservative Party's members, since the 1830s
    "lib dem": "liberal democrat",  # the UK Liberal Democrats
    "dem": "democrat",
    "gop": "republican",  # the US Republican Party ("Grand Old Party")
}


def group_key(key: str) -> str:
    """The key a group is known by: its singular, through its nickname: "tories" -> "conservative"."""
    one = singular(key)
    return PARTY_NICKNAMES.get(one, one)


def is_nickname(key: str) -> bool:
    return singular(key) in PARTY_NICKNAMES


def party_keys(key: str) -> list[str]:
    """Names the party of a group could have: "democrat" -> "democrat party", "democratic party", "democrats"."""
    group = group_key(key)
    return [f"{group} party", f"{group}ic party", f"{group}s"]


def singular(key: str) -> str:
    """The singular of a group's name, by the regular English plural: "tories" -> "tory", "democrats" ->
    "democrat"; "swiss" stays."""
    head, _, last = key.rpartition(" ")
    if len(last) > 4 and last.endswith("ies"):
        last = last[:-3] + "y"
    elif len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return f"{head} {last}" if head else last
