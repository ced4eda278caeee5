"""The entity registry's keys: normalised names, which the store writes, the linker looks up and the query
service's prefix search matches.

`name_key` is the form two spellings of one name share: accents, case, the dots of abbreviations ("U.S." =
"US"), other punctuation, a leading "the" and a trailing possessive do not tell names apart. A person's record
also holds family keys (`family_keys`), by which the linker finds the full names a surname alone may mean, and
an institution's record its head key (`head_key`), by which it finds the full names a head noun alone may mean
("the House").
"""

import functools
import re
import unicodedata
from collections.abc import Iterable

_APOSTROPHES = "'\u2019"
_POSSESSIVE = re.compile(f"(?:[{_APOSTROPHES}]s|(?<=s)[{_APOSTROPHES}])$")
_LEADING_THE = re.compile(r"^the\s+")
_ABBREVIATION_DOTS = re.compile(r"(?<=\b\w)\.")  # the dots of "u.s.", not the one ending "inc."
_NOT_WORD = re.compile(r"[\W_]+")
# A family-name key starts with a character `name_key` never leaves in a key, so a prefix search on names
# typed by a user never reaches one.
FAMILY_MARK = "~"
HEAD_MARK = "^"  # likewise for an institution's head noun


# The worker keys every entity of a batch several times (its lookups, the operators' rules, the linking and the
# record's keys) and news repeats names: remembered, a key costs a dict lookup instead of a Unicode pass.
@functools.lru_cache(maxsize=16_384)
def name_key(text: str) -> str:
    """ "The U.S.'s" -> "us"; "Côte d'Ivoire" -> "cote d ivoire"; "" when nothing of a name is left."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    bare = _POSSESSIVE.sub("", bare)
    bare = _ABBREVIATION_DOTS.sub("", bare)
    words = _NOT_WORD.sub(" ", bare).strip()
    return _LEADING_THE.sub("", words) if words != "the" else ""


def slug_of_key(key: str) -> str:
    """The id form of a key: "tony blair" -> "tony-blair" (the enrichment's `slug` of the same name)."""
    return key.replace(" ", "-")


def family_keys(key: str) -> list[str]:
    """The short forms a full person's name answers to, as keys: "~blair" for "tony blair", and "~george bush"
    too for "george w bush" (the name without its middle parts)."""
    words = key.split()
    if len(words) < 2:
        return []
    found = [f"{FAMILY_MARK}{words[-1]}"]
    if len(words) > 2:
        found.append(f"{FAMILY_MARK}{words[0]} {words[-1]}")
    return found


def short_form_key(key: str) -> str | None:
    """The family key a short person's name is looked up by: "blair" -> "~blair", "george bush" ->
    "~george bush"; None for a longer name, which is no short form."""
    words = key.split()
    return f"{FAMILY_MARK}{key}" if 1 <= len(words) <= 2 else None


def head_key(key: str) -> str | None:
    """The head key an institution's name answers to: the noun its "of" phrase qualifies, "house of
    representatives" and "us house of representatives" -> "^house"; None for a name without one ("white house",
    whose "House" is never "the House" of a parliament)."""
    before, of, _ = key.partition(" of ")
    return f"{HEAD_MARK}{before.rpartition(' ')[2]}" if of and before else None


def record_keys(name: str, label: str, aliases: Iterable[str] = ()) -> list[str]:
    """The `keys` a registry record holds for an entity linked to it: its name and aliases normalised, for a
    person's full name its family keys, and for an organisation's its head key."""
    keys = {name_key(text) for text in (name, *aliases)} - {""}
    if label == "PERSON":
        keys.update(family for key in list(keys) for family in family_keys(key))
    if label == "ORG":
        keys.update(head for key in list(keys) if (head := head_key(key)) is not None)
    return sorted(keys)
