"""The ClaimReview export: an approved draft's checks marked for publication, as schema.org JSON-LD that Google's
fact-check markup accepts and a JSON-LD processor reads as ClaimReview, Claim and Rating."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pyld import jsonld
from sqlalchemy import update

from factdesk.api import create_app
from factdesk.db import unit_of_work
from factdesk.models import Draft

from .test_memory import MONEY_1, MONEY_CHANGED, WANG_1, lease, rate, store

QUOTE = ("quote", {"speaker": "Yann LeCun", "words": "When you do this, you fall behind"},
         "When you do this, you fall behind", "\u201cWhen you do this, you fall behind,\u201d LeCun said.")
SCHEMA_ORG = "https://schema.org"
# schema.org's JSON-LD context, as much of it as these documents use: the processor never fetches the real one.
BUNDLED_CONTEXT = json.loads((Path(__file__).parent.parent / "fixtures" / "schemaorg-context.jsonld").read_text())


def approved(client, desk, sessions, publish: bool = True) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    """A draft with a role, a quote and a money claim rated by the editor (the first two marked for publication
    when `publish`), the quote's blocking rating overridden, and the draft approved."""
    draft, ids = store(sessions, desk.rita, "review", [WANG_1, QUOTE, MONEY_1])
    wang, quote, money = ids
    rate(client, desk.eddy_h, wang, publish=publish)
    rate(client, desk.eddy_h, quote, "misleading", publish=publish)
    rate(client, desk.eddy_h, money)
    assert client.get(f"/api/v1/drafts/{draft}/claimreview", headers=desk.cara_h).status_code == 409
    r = client.post(f"/api/v1/drafts/{draft}/approve", headers=desk.eddy_h,
                    json={"overrides": [{"claim_id": quote, "reason": "the quote is his, the claim is not ours"}]})
    assert r.status_code == 201, r.json
    return draft, ids


def reviews(client, headers, draft: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/v1/drafts/{draft}/claimreview", headers=headers)
    assert r.status_code == 200, r.json
    return r.json


def test_an_unapproved_draft_answers_409_and_one_with_nothing_marked_an_empty_list(client, desk, sessions) -> None:
    draft, _ = approved(client, desk, sessions, publish=False)
    assert reviews(client, desk.cara_h, draft) == []
    assert client.get("/api/v1/drafts/424242/claimreview", headers=desk.cara_h).status_code == 404
    # A new text closes the gate: its checks are not published until it is approved.
    store(sessions, desk.rita, "review", [WANG_1])
    r = client.get(f"/api/v1/drafts/{draft}/claimreview", headers=desk.cara_h)
    assert r.status_code == 409 and "not approved" in r.json["message"]


def test_every_property_google_requires_and_the_newsrooms_words(client, desk, sessions, runtime_with) -> None:
    draft, (wang, quote, _money) = approved(client, desk, sessions)
    with unit_of_work(sessions) as s:  # the CMS sent the article's URL with a save
        s.execute(update(Draft).where(Draft.id == draft).values(article_url="https://news.example/2025/lecun"))
    conf = {"publisher_name": "The Example Times", "publisher_url": "https://news.example/",
            "rating_words": (("accurate", "Correct"),)}
    client = create_app(runtime=runtime_with(**conf)).test_client()
    items = reviews(client, desk.cara_h, draft)
    assert [i["url"] for i in items] == [f"https://news.example/2025/lecun#claim-{wang}",
                                         f"https://news.example/2025/lecun#claim-{quote}"]  # money: not marked
    for item in items:
        # Google's ClaimReview: claimReviewed, reviewRating (with alternateName) and url are required; author,
        # datePublished and itemReviewed (a Claim) recommended.
        assert item["@context"] == SCHEMA_ORG and item["@type"] == "ClaimReview"
        assert item["claimReviewed"] and item["url"].startswith("https://")
        rating = item["reviewRating"]
        assert rating["@type"] == "Rating" and rating["alternateName"]
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert item["author"] == {"@type": "Organization", "name": "The Example Times",
                                  "url": "https://news.example/"}
        assert item["datePublished"] and item["itemReviewed"]["@type"] == "Claim"
        assert item["itemReviewed"]["appearance"]["url"] == "https://news.example/2025/lecun"
        assert item["itemReviewed"]["datePublished"]
    role, said = items
    assert role["claimReviewed"] == WANG_1[3] and "author" not in role["itemReviewed"]
    assert (role["reviewRating"]["ratingValue"], role["reviewRating"]["alternateName"]) == (5, "Correct")
    assert (said["reviewRating"]["ratingValue"], said["reviewRating"]["alternateName"]) == (2, "Misleading")
    assert said["itemReviewed"]["author"] == {"@type": "Person", "name": "Yann LeCun"}


def test_without_an_article_url_the_review_points_at_the_claim(client, desk, sessions) -> None:
    draft, (wang, _, _) = approved(client, desk, sessions)
    first = reviews(client, desk.cara_h, draft)[0]
    assert first["url"] == f"http://localhost/api/v1/claims/{wang}" and "appearance" not in first["itemReviewed"]
    assert first["author"] == {"@type": "Organization", "name": "factdesk"}


def test_a_json_ld_processor_expands_it_to_schema_orgs_types(client, desk, sessions) -> None:
    draft, _ = approved(client, desk, sessions)

    def bundled(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        assert url.rstrip("/") in (SCHEMA_ORG, "http://schema.org"), f"the processor asked for {url}"
        return {"contextUrl": None, "documentUrl": url, "document": BUNDLED_CONTEXT}

    items = reviews(client, desk.cara_h, draft)
    expanded = jsonld.expand(items, {"documentLoader": bundled})
    vocab = "http://schema.org/"
    assert [e["@type"] for e in expanded] == [[vocab + "ClaimReview"]] * 2
    for e in expanded:
        [rating] = e[vocab + "reviewRating"]
        [claim] = e[vocab + "itemReviewed"]
        assert rating["@type"] == [vocab + "Rating"] and claim["@type"] == [vocab + "Claim"]
        assert e[vocab + "claimReviewed"][0]["@value"]
        assert e[vocab + "url"] == [{"@id": e[vocab + "url"][0]["@id"]}]  # a URL, not a string


def test_a_publish_mark_is_carried_to_the_next_revision_with_its_verdict(client, desk, sessions) -> None:
    draft, (wang, quote, money) = store(sessions, desk.rita, "carried", [WANG_1, QUOTE, MONEY_1])
    rate(client, desk.eddy_h, wang, publish=True)
    rate(client, desk.eddy_h, quote, "not_checkable", publish=True)  # no rating of truth: never exported
    rate(client, desk.eddy_h, money)
    _, ids = store(sessions, desk.rita, "carried", [WANG_1, QUOTE, MONEY_1, MONEY_CHANGED])
    lease(client, desk.cara_h, draft, "money")
    rate(client, desk.cara_h, ids[3], "accurate", publish=True)
    assert client.post(f"/api/v1/drafts/{draft}/approve", headers=desk.eddy_h, json={}).status_code == 201
    items = reviews(client, desk.cara_h, draft)
    assert [i["claimReviewed"] for i in items] == [WANG_1[3], MONEY_CHANGED[3]]
