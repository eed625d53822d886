"""Attributions as PolNeAR labels them: reported speech and stances without quotation marks, with cue and source."""

from __future__ import annotations

import pytest

from .conftest import of_type

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    ("text", "who", "cue"),
    [
        ("Senator Mary Holt said that the budget rose by 5 percent last year.", "Mary Holt", "said"),
        ("Governor John Kasich hopes to win Ohio in the March primary.", "John Kasich", "hopes"),
        (
            "Hillary Clinton also congratulated Bernie Sanders for competing hard in several states.",
            "Hillary Clinton",
            "congratulated",
        ),
        (
            "Donald Trump met voters in Iowa. He believes the wall will be paid for by Mexico.",
            "Donald Trump",
            "believes",
        ),
        ("The trade deal was attacked by Bernie Sanders on Tuesday.", "Bernie Sanders", "attacked"),
        ("Ted Cruz spoke in Texas. Cruz's criticism of the trade deal was sharp.", "Ted Cruz", "criticism"),
    ],
)
def test_reported_speech_and_stances_name_their_cue_and_source(claims_of, text: str, who: str, cue: str) -> None:  # type: ignore[no-untyped-def]
    found = of_type(claims_of(text), "attribution")
    assert any(c.normalized.get("speaker") == who and c.normalized["cue"] == cue for c in found), found


@pytest.mark.parametrize(
    "text",
    [
        "Various countries, including the United States, have seen marked increases in measles cases.",
        "Encouraged to explore creative outlets by a psychotherapist, Vanderbilt took acting lessons.",
        "The company released a new phone in March.",
    ],
)
def test_acts_and_experiences_are_not_stances(claims_of, text: str) -> None:  # type: ignore[no-untyped-def]
    assert of_type(claims_of(text), "attribution") == []


@pytest.mark.parametrize(
    ("text", "who", "key", "cue"),
    [
        # Reported speech in any words, so long as a that-clause follows the verb.
        (
            "The county auditor is confirming that the Halden bridge contract was never put out to tender.",
            "county auditor",
            "source",
            "confirming",
        ),
        ("Mayor Jane Ortiz is warning the city will run out of money by March.", "Jane Ortiz", "speaker", "warning"),
        ("Ben Adler declined to comment on the Halden tender.", "Ben Adler", "speaker", "declined"),
        ("Jane Ortiz is calling for a public inquiry into the Halden tender.", "Jane Ortiz", "speaker", "calling"),
        # Who speaks in a clause that hangs on a preposition ("by emphasizing"), or in a passive one.
        ("Jane Ortiz opened the meeting by criticizing the Halden tender.", "Jane Ortiz", "speaker", "criticizing"),
        ("The Halden plan is supported by most local businesses.", "most local businesses", "source", "supported"),
        # A headline's source before a colon.
        ("Jane Ortiz: Riverton will finish the Halden bridge by 2027", "Jane Ortiz", "speaker", ":"),
    ],
)
def test_reported_speech_without_a_speech_verb_of_the_list(claims_of, text: str, who: str, key: str, cue: str) -> None:  # type: ignore[no-untyped-def]
    found = of_type(claims_of(text), "attribution")
    assert [(c.normalized.get(key), c.normalized["cue"]) for c in found] == [(who, cue)]


@pytest.mark.parametrize(
    "text",
    [
        "The problem is that the Halden bridge was never inspected by the council.",
        "Correction: An earlier version of this article misstated the cost of the Halden bridge.",
    ],
)
def test_a_that_clause_or_a_label_with_no_one_behind_it_credits_no_one(claims_of, text: str) -> None:  # type: ignore[no-untyped-def]
    assert of_type(claims_of(text), "attribution") == []


def test_a_quotation_signed_after_a_dash_is_its_signers(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "Readers wrote to us after the debate.\n“The new bridge is a waste of public money.” ― Jane Ortiz\n"
    quotes = of_type(claims_of(text), "quote")
    signed = [(q.text, q.normalized["speaker"]) for q in quotes]
    assert signed == [("The new bridge is a waste of public money", "Jane Ortiz")]


def test_a_stance_a_noun_names_is_its_holders(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "Jane Ortiz became mayor in May. Ortiz's decision to close the Halden library angered parents."
    found = of_type(claims_of(text), "attribution")
    assert [(c.normalized.get("speaker"), c.normalized["cue"]) for c in found] == [("Jane Ortiz", "decision")]


def test_a_judgment_credited_to_no_one_is_an_attribution_without_a_source(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "The former mayor was accused of taking bribes from the Halden contractor."
    found = of_type(claims_of(text), "attribution")
    assert [(c.normalized["cue"], c.normalized.get("source"), c.normalized.get("speaker")) for c in found] == [
        ("accused", None, None)
    ]


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # An instruction given or an offer refused is an act: a fact, not someone's words.
        ("Residents of Halden were asked to boil their tap water until Friday.", "Residents of Halden were asked"),
        ("Mayor Jane Ortiz declined the council's offer of a second term in office.", "declined the council's offer"),
    ],
)
def test_an_instruction_or_a_refusal_stays_a_fact(claims_of, text: str, fact: str) -> None:  # type: ignore[no-untyped-def]
    claims = claims_of(text)
    assert of_type(claims, "attribution") == []
    assert any(fact in c.text for c in of_type(claims, "fact"))


def test_a_headline_speaks_for_the_paper_that_ran_it(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "The Riverton Courier covered the vote with a headline claiming that the tender was rigged."
    found = of_type(claims_of(text), "attribution")
    assert [c.normalized.get("source") for c in found] == ["Riverton Courier"]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("In a Riverton Courier poll, Jane Ortiz led the mayoral race by five points.", "a Riverton Courier poll"),
        ("Jane Ortiz won no new voters in one of the first polls after the debate.", "the first polls"),
        ("By one estimate, the Halden bridge will cost twice what the council budgeted.", "one estimate"),
    ],
)
def test_a_clause_read_in_a_poll_or_an_estimate_is_credited_to_it(claims_of, text: str, source: str) -> None:  # type: ignore[no-untyped-def]
    found = of_type(claims_of(text), "attribution")
    assert any(source in str(c.normalized.get("source")) for c in found), found


def test_a_view_held_of_something_is_an_attribution(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "Critics of the Halden tender see the contract as a gift to the mayor's donors."
    found = [(c.normalized.get("source"), c.normalized["cue"]) for c in of_type(claims_of(text), "attribution")]
    assert found == [("Critics of the Halden tender", "see")]


@pytest.mark.parametrize(
    ("text", "who", "cue"),
    [
        # A stance noun whose holder is the subject of the verb that makes, voices or withholds it.
        ("Jane Ortiz has made several statements on the Halden tender.", "Jane Ortiz", "statements"),
        ("Jane Ortiz avoided any criticism of the council.", "Jane Ortiz", "criticism"),
        # A headline's source the story names again below it.
        (
            "Ortiz: Riverton will finish the Halden bridge by 2027.\n\nMayor Jane Ortiz of Riverton spoke to the"
            " council on Monday.",
            "Jane Ortiz",
            ":",
        ),
        # A headline's verb in title case, read by its form.
        ("Riverton Mayor Praises Halden Bridge Builders.", "Riverton Mayor", "praises"),
        # A share of people as a passive's agent.
        (
            "The Halden plan was criticized by some of the council's members.",
            "some of the council's members",
            "criticized",
        ),
        # A vote for someone.
        ("Fifty-six percent of voters would vote for Jane Ortiz.", "Fifty-six percent of voters", "vote"),
        # Any verb with "about".
        ("Jane Ortiz has opened up about her doubts over the Halden bridge.", "Jane Ortiz", "opened"),
        # Agreement with someone, and people as a group holding a stance.
        ("Only a quarter of voters agree with Jane Ortiz.", "Only a quarter of voters", "agree"),
        ("Voters feel the sting of the tender.", "Voters", "feel"),
        # An infinitive on an adjective ("quick to point out").
        ("Jane Ortiz was quick to point out that the bridge was never inspected.", "Jane Ortiz", "point"),
        # "his" is the last person named.
        ("Tom Hale spoke on Monday. His criticism of the tender was sharp.", "Tom Hale", "criticism"),
        # A stance an adjective states of a person.
        ("Jane Ortiz is confident that the Halden bridge will open in May.", "Jane Ortiz", "confident"),
    ],
)
def test_stances_in_other_words_name_their_holder(claims_of, text: str, who: str, cue: str) -> None:  # type: ignore[no-untyped-def]
    found = of_type(claims_of(text), "attribution")
    named = [(c.normalized.get("speaker") or c.normalized.get("source"), c.normalized["cue"]) for c in found]
    assert (who, cue) in named, named


@pytest.mark.parametrize("text", ["Three states vote on March 1.", "The bridge is sure to open."])
def test_a_vote_on_a_day_or_a_thing_sure_to_happen_credits_no_one(claims_of, text: str) -> None:  # type: ignore[no-untyped-def]
    assert of_type(claims_of(text), "attribution") == []


def test_an_as_clause_credits_the_statement_it_hangs_on(claims_of) -> None:  # type: ignore[no-untyped-def]
    text = "As the Riverton Courier reported on Monday, the Halden bridge contract was never put out to tender."
    found = of_type(claims_of(text), "attribution")
    assert [(c.normalized.get("source"), "never put out to tender" in c.text) for c in found] == [
        ("Riverton Courier", True)
    ]
