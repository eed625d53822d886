"""Titles and roles: the forms news copy gives them in, each title a claim of its own, people by full name."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from factdesk.extraction import extract

from .conftest import DATA, of_type

pytestmark = pytest.mark.model

SET_2020 = DATA / "wikinews-2020"


def _roles(claims_of, body: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [c.normalized for c in of_type(claims_of("Head\n\n" + body), "role")]


@pytest.mark.parametrize(
    ("body", "person", "role", "org"),
    [
        (
            "US Secretary of State Mike Pompeo said the crash was likely.",
            "Mike Pompeo",
            "Secretary of State",
            "United States",
        ),
        (
            "President of Ukraine Volodymyr Zelenskyy said it was a tragedy.",
            "Volodymyr Zelenskyy",
            "President",
            "Ukraine",
        ),
        (
            "Offering his condolence, speaker of the parliament Ali Larijani wrote on Instagram.",
            "Ali Larijani",
            "speaker",
            "parliament",
        ),
        (
            "Mitch McConnell, the Senate Majority Leader, has indicated the trial could start.",
            "Mitch McConnell",
            "Majority Leader",
            "Senate",
        ),
        (
            "Scotland First Minister Nicola Sturgeon said she was considering it.",
            "Nicola Sturgeon",
            "First Minister",
            "Scotland",
        ),
        (
            "John Luk Jok, the South Sudanese minister for East African Affairs, died.",
            "John Luk Jok",
            "minister for East African Affairs",
            "South Sudan",
        ),
    ],
)
def test_pre_nominal_titles_with_their_organisation(claims_of, body, person, role, org) -> None:  # type: ignore[no-untyped-def]
    (got,) = _roles(claims_of, body)
    assert (got["person"], got["role"], got.get("org")) == (person, role, org)


def test_a_title_across_a_comma_without_an_article(claims_of) -> None:  # type: ignore[no-untyped-def]
    (got,) = _roles(claims_of, "The US airstrike killed Iranian general, Qasem Soleimani at a Baghdad airport.")
    assert (got["person"], got["role"], got["org"]) == ("Qasem Soleimani", "general", "Iran")


def test_a_title_after_a_parenthesis_and_a_comma(claims_of) -> None:  # type: ignore[no-untyped-def]
    body = (
        "The general secretary of the RMT union (National Union of Rail, Maritime and Transport Workers), "
        'Mick Cash, said the measure was "nowhere near enough."'
    )
    (got,) = _roles(claims_of, body)
    assert (got["person"], got["role"], got["org"]) == ("Mick Cash", "general secretary", "RMT")


def test_two_titles_in_one_phrase_are_two_claims(claims_of) -> None:  # type: ignore[no-untyped-def]
    got = _roles(claims_of, "Independent filmmaker and journalist Brady Haran posted a podcast.")
    assert sorted((r["person"], r["role"]) for r in got) == [
        ("Brady Haran", "Independent filmmaker"),
        ("Brady Haran", "journalist"),
    ]
    got = _roles(claims_of, "Meta hired Alexander Wang, a young billionaire and co-founder of Scale AI, last year.")
    assert sorted((r["role"], r.get("org")) for r in got) == [("billionaire", None), ("co-founder", "Scale AI")]
    assert {r["person"] for r in got} == {"Alexander Wang"}


def test_two_titled_offices_of_one_person_are_two_claims(claims_of) -> None:  # type: ignore[no-untyped-def]
    body = "After Deputy Prime Minister for Finance and Minister of Economy Richard Sulík failed, he apologised."
    got = _roles(claims_of, body)
    assert sorted(r["role"] for r in got) == ["Deputy Prime Minister for Finance", "Minister of Economy"]
    assert {r["person"] for r in got} == {"Richard Sulík"}


def test_hyphenated_names_are_whole(claims_of) -> None:  # type: ignore[no-untyped-def]
    (got,) = _roles(claims_of, "Seoul city Mayor Park Won-soon was found dead on Friday.")
    assert got["person"] == "Park Won-soon"
    got = _roles(claims_of, "Seyed Mohammad Mir-Mohammadi, a council member of the Expediency Council, died.")
    assert got[0]["person"] == "Seyed Mohammad Mir-Mohammadi"


def test_a_plural_title_before_a_name(claims_of) -> None:  # type: ignore[no-untyped-def]
    body = "One of South Sudan's Vice Presidents, Rebecca Nyandeng De Mabior, also commented."
    (got,) = _roles(claims_of, body)
    assert got["person"] == "Rebecca Nyandeng De Mabior"
    assert got["role"].lower().startswith("vice president")


def test_a_title_after_he_was_belongs_to_the_person_last_named(claims_of) -> None:  # type: ignore[no-untyped-def]
    body = (
        "Guy was a professor at the University of Calgary. "
        "He was also an original director of the Number Theory Foundation."
    )
    got = _roles(claims_of, body)
    assert ("Guy", "original director", "Number Theory Foundation") in [
        (r["person"], r["role"], r.get("org")) for r in got
    ]


def test_a_longer_form_of_a_name_is_the_same_person(claims_of) -> None:  # type: ignore[no-untyped-def]
    body = (
        "British mathematician Richard K. Guy died. Richard Kenneth Guy, a British mathematician, published 300 papers."
    )
    (got,) = of_type(claims_of("Head\n\n" + body), "role")
    assert got.normalized["person"] == "Richard K. Guy"
    assert len(got.spans) == 2


def test_a_title_in_someones_words_is_not_the_writers(claims_of) -> None:  # type: ignore[no-untyped-def]
    body = 'The Prime Minister apologised for "having an idiot as economy minister."'
    assert _roles(claims_of, body) == []


def test_the_2020_set_finds_its_roles(nlp) -> None:  # type: ignore[no-untyped-def]
    """Recall and precision of role claims over the second labelled set (15 Wikinews articles of 2020)."""
    found = total = hits = extracted = 0
    for label_file in sorted(SET_2020.glob("*.claims.json")):
        gold = json.loads(label_file.read_text())
        text = (SET_2020 / gold["draft"]).read_text()
        ref = dt.date.fromisoformat(gold["reference_date"])
        roles = [c for c in extract(text, reference_date=ref, nlp=nlp).claims if c.type == "role"]
        anchors = []
        for g in gold["claims"]:
            if g["type"] == "role":
                i = text.find(g["anchor"])
                anchors.append((i, i + len(g["anchor"])))
        total += len(anchors)
        found += sum(any(s < e2 and s2 < e for c in roles for s, e in c.spans) for s2, e2 in anchors)
        extracted += len(roles)
        hits += sum(any(s < e2 and s2 < e for s, e in c.spans for s2, e2 in anchors) for c in roles)
    assert found / total >= 0.85
    assert hits / extracted >= 0.93


def test_a_state_office_without_a_country_is_the_storys_country(claims_of) -> None:  # type: ignore[no-untyped-def]
    body = (
        "United States President Donald Trump spoke to newly elected Ukrainian president Volodymyr Zelensky. "
        "He mentioned Joe Biden, who served as Vice President from 2009."
    )
    got = {r["person"]: r for r in _roles(claims_of, body)}
    assert got["Joe Biden"]["org"] == "United States"
    assert got["Joe Biden"]["former"] is True
