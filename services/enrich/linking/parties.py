"""A group's name and its party's: "Tories", "Conservatives" and the Conservative Party are one entity.

A group (NORP) is linked by its singular ("Americans" -> "American"), by the nickname below if it has one, and
to the party of that name ("Republicans" -> Republican Party, "Democrats" -> Democratic Party) when the registry
knows the party. No package lists parties' nicknames; the few in common English use are listed here.
"""

from collections.abc import Mapping

from services.enrich.linking.names import singular

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


def party_keys(key: str) -> list[str]:
    """Names the party of a group could have: "democrat" -> "democrat party", "democratic party", "democrats"."""
    group = group_key(key)
    return [f"{group} party", f"{group}ic party", f"{group}s"]
