"""The gate checked when the CMS publishes: every way unapproved text goes out is caught, audited, counted and
reported to the CMS (signed), and approved text is marked published with no alert."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from factdesk.cms import InboundRequest, verify
from factdesk.db import unit_of_work
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.models import AuditEvent, Draft, EventDelivery, Publication
from factdesk.services.approvals import approve_draft
from factdesk.services.deliveries import attempt_delivery
from factdesk.services.drafts import list_draft_claims
from factdesk.services.errors import Conflict
from factdesk.services.extraction import store_claims
from factdesk.services.verdicts import VerdictInput, record_verdict
from tests.cms.conftest import GENERIC_SECRET
from tests.cms.test_outbound import Receiver

TEXT = "The council voted 7-2 on Tuesday. The budget rose 4.2% to $1.3 billion."
PHRASES = ["voted 7-2 on Tuesday", "rose 4.2% to $1.3 billion"]
SOURCES = [{"url": "https://example.org/minutes", "title": "Minutes"}]


@dataclass(frozen=True)
class Made:
    id: int
    status: str
    content_hash: str


class Newsroom:
    """A generic-format CMS with a callback URL, a checker and an editor, and one article, `a-1`."""

    def __init__(self, sessions, users, post_generic, drain, callback_url: str) -> None:  # type: ignore[no-untyped-def]
        self.sessions, self.post, self.drain = sessions, post_generic, drain
        self.checker, _ = users.make("cara", "editor")
        self.editor, self.editor_headers = users.make("eddy", "editor")
        self.version = 0
        self.callback_url = callback_url

    def save(self, text: str = TEXT, **fields: Any) -> None:
        self.version += 1
        r = self.post("newsroom", {"id": "a-1", "version": self.version, "body": text, **fields})
        assert r.status_code in (200, 202), r.json
        self.drain()

    def publish(self, text: str = TEXT) -> None:
        self.save(text, status="published")

    def draft(self) -> Made:
        with unit_of_work(self.sessions) as s:
            draft = s.scalar(select(Draft).where(Draft.source == "newsroom", Draft.external_id == "a-1"))
            assert draft is not None and draft.current_revision is not None
            return Made(draft.id, draft.status, draft.current_revision.content_hash)

    def extract(self) -> list[int]:
        """Store the current revision's claims (one per phrase), as the worker would."""
        with unit_of_work(self.sessions) as s:
            draft = s.scalar(select(Draft).where(Draft.source == "newsroom", Draft.external_id == "a-1"))
            assert draft is not None and draft.current_revision is not None
            revision = draft.current_revision
            found = []
            for i, phrase in enumerate(PHRASES):
                at = revision.text.index(phrase)
                found.append(FoundClaim(type="fact", spans=((at, at + len(phrase)),), text=phrase,
                                        sentence=phrase, normalized={"i": i}, score=0.5, reasons=("test",),
                                        fingerprint=f"fp-{i}"))
            assert store_claims(s, revision.id, Extraction(text=revision.text, claims=found)) == "stored"
            draft_id = draft.id
        return [c.id for c in list_draft_claims(self.sessions, draft_id).items]

    def check(self, claim_ids: list[int], rating: str = "accurate") -> None:
        for claim_id in claim_ids:
            record_verdict(self.sessions, self.checker, claim_id, VerdictInput(
                rating=rating, note="against the minutes", sources=SOURCES if rating == "accurate" else []))

    def approve(self) -> None:
        approve_draft(self.sessions, self.editor, self.draft().id)

    def publications(self) -> list[Publication]:
        with unit_of_work(self.sessions) as s:
            rows = list(s.scalars(select(Publication).order_by(Publication.id)))
            s.expunge_all()
            return rows

    def alerts(self) -> list[dict[str, Any]]:
        with unit_of_work(self.sessions) as s:
            return [d.payload for d in s.scalars(select(EventDelivery).where(EventDelivery.event ==
                                                                              "publish.unapproved"))]

    def audit(self, action: str) -> list[AuditEvent]:
        with unit_of_work(self.sessions) as s:
            rows = list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))
            s.expunge_all()
            return rows


def unapproved_count(client) -> str | None:  # type: ignore[no-untyped-def]
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        if line.startswith("factdesk_unapproved_publications_total{"):
            return line
    return None


def assert_caught(newsroom: Newsroom, client, reason: str, blockers: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    draft = newsroom.draft()
    assert draft.status == "published_unapproved"
    [publication] = [p for p in newsroom.publications() if p.action == "published"][-1:]
    assert (publication.approved, publication.reason, publication.blockers) == (False, reason, blockers)
    assert publication.content_hash == draft.content_hash
    [event] = newsroom.audit("draft.published_unapproved")
    assert event.after["reason"] == reason and event.after["blockers"] == blockers
    [alert] = newsroom.alerts()
    assert alert["type"] == "publish.unapproved" and alert["draft"]["external_id"] == "a-1"
    assert alert["detail"]["blockers"] == blockers and alert["detail"]["reason"] == reason
    assert alert["detail"]["links"]["desk"] == f"/desk/drafts/{draft.id}"
    assert unapproved_count(client) == 'factdesk_unapproved_publications_total{integration="newsroom"} 1.0'


def test_never_approved_text_published(newsroom, client):
    newsroom.save()
    claims = newsroom.extract()
    newsroom.publish()
    assert_caught(newsroom, client, "not_approved", [
        {"claim_id": claims[0], "reason": "no_verdict", "sentence": PHRASES[0]},
        {"claim_id": claims[1], "reason": "no_verdict", "sentence": PHRASES[1]},
    ])


def test_approved_text_published_is_published_without_alert(newsroom, client):
    newsroom.save()
    newsroom.check(newsroom.extract())
    newsroom.approve()
    newsroom.publish()
    assert newsroom.draft().status == "published"
    [publication] = newsroom.publications()
    assert (publication.approved, publication.reason, publication.blockers) == (True, "approved", [])
    assert newsroom.alerts() == [] and newsroom.audit("draft.published_unapproved") == []
    assert len(newsroom.audit("draft.published")) == 1
    assert unapproved_count(client) is None


def test_approved_then_edited_text_published(newsroom, client):
    newsroom.save()
    newsroom.check(newsroom.extract())
    newsroom.approve()
    newsroom.publish(TEXT + " Turnout was 41%.")
    # The edit is a new revision nobody checked: its claims are not even extracted yet.
    assert_caught(newsroom, client, "not_approved", [])


def test_blocking_verdict_since_approval_then_published(newsroom, client):
    newsroom.save()
    claims = newsroom.extract()
    newsroom.check(claims)
    newsroom.approve()
    newsroom.check(claims[1:], rating="inaccurate")  # a second look, after the approval, closes the gate
    newsroom.publish()
    assert_caught(newsroom, client, "blockers", [
        {"claim_id": claims[1], "reason": "inaccurate", "sentence": PHRASES[1]},
    ])


def test_unapproved_text_stays_marked_while_its_claims_are_checked(newsroom):
    newsroom.save()
    newsroom.publish(TEXT + " Turnout was 41%.")  # published before extraction
    assert newsroom.draft().status == "published_unapproved"
    newsroom.extract()
    assert newsroom.draft().status == "published_unapproved"


def test_text_published_before_its_claims_were_extracted_cannot_be_approved_yet(newsroom):
    newsroom.save()
    newsroom.publish(TEXT + " Turnout was 41%.")
    with pytest.raises(Conflict, match="not extracted"):
        newsroom.approve()
    assert newsroom.draft().status == "published_unapproved"


def test_approved_after_the_fact_is_published(newsroom):
    newsroom.save()
    claims = newsroom.extract()
    newsroom.publish()
    newsroom.check(claims)
    assert newsroom.draft().status == "published_unapproved"
    newsroom.approve()
    assert newsroom.draft().status == "published"


def test_the_alert_goes_out_signed(newsroom, sessions, settings):
    receiver = Receiver(failures=0)
    try:
        newsroom.save()
        newsroom.publish()
        with unit_of_work(sessions) as s:
            [delivery_id] = s.scalars(select(EventDelivery.id).where(EventDelivery.event == "publish.unapproved"))
            s.execute(EventDelivery.__table__.update().values(url=receiver.url))  # type: ignore[attr-defined]
        assert attempt_delivery(sessions, settings, delivery_id).outcome == "delivered"
        [(headers, body, _)] = receiver.requests
        signed_at = float(headers["x-factdesk-signature"].split(",")[0].removeprefix("t="))
        verify("factdesk", InboundRequest("POST", "/factdesk-events", headers, body, signed_at), [GENERIC_SECRET], 300)
        assert headers["x-factdesk-event"] == "publish.unapproved"
        assert json.loads(body)["detail"]["reason"] == "not_approved"
    finally:
        receiver.close()
