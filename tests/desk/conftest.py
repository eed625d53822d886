"""Desk test helpers: drafts whose current revision has hand-made claims (no NLP), and checkers/editors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from factdesk.db import unit_of_work
from factdesk.domain.actors import Actor
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.models import Claim
from factdesk.services.drafts import Submission, get_draft, submit_draft
from factdesk.services.extraction import store_claims


@dataclass
class MadeDraft:
    id: int
    revision_id: int
    content_hash: str
    claim_ids: list[int]


class Drafts:
    """Creates drafts with N claims through the real services: submit_draft, then store_claims."""

    def __init__(self, sessions) -> None:  # type: ignore[no-untyped-def]
        self.sessions = sessions

    def make(
        self, author: Actor, n: int = 3, *, desk: str | None = "politics", deadline: datetime | None = None,
        external_id: str | None = None, body: str | None = None, scores: list[float] | None = None,
        claim_type: str = "fact",
    ) -> MadeDraft:
        body = body or f"Draft {external_id or ''}: " + " ".join(f"Fact number {i} is true." for i in range(n))
        submitted = submit_draft(self.sessions, author, Submission(body=body, desk=desk, deadline=deadline,
                                                                   external_id=external_id))
        return self.extract(submitted.draft.id, n, scores=scores, claim_type=claim_type)

    def extract(
        self, draft_id: int, n: int, *, scores: list[float] | None = None, claim_type: str = "fact"
    ) -> MadeDraft:
        """Store `n` claims in the draft's current revision, as a worker would (however it was submitted)."""
        current = get_draft(self.sessions, draft_id).current_revision
        assert current is not None
        revision_id, text, digest = current.id, current.text, current.content_hash
        found = [
            FoundClaim(type=claim_type, spans=((i, i + 4),), text=text[i:i + 4], sentence=text,
                       normalized={"n": i}, score=(scores[i] if scores else 0.5), reasons=("test",),
                       fingerprint=f"fp-{i}-{text[:20]}")
            for i in range(n)
        ]
        with unit_of_work(self.sessions) as s:
            assert store_claims(s, revision_id, Extraction(text=text, claims=found)) == "stored"
            ids = [c.id for c in s.query(Claim).filter(Claim.revision_id == revision_id).order_by(Claim.start)]
        return MadeDraft(draft_id, revision_id, digest, ids)

    def edit(self, author: Actor, external_id: str, body: str, n: int = 2) -> MadeDraft:
        """A new revision of the draft with `external_id`, with `n` fresh claims."""
        return self.make(author, n, external_id=external_id, body=body)


@pytest.fixture
def drafts(sessions) -> Drafts:  # type: ignore[no-untyped-def]
    return Drafts(sessions)


@pytest.fixture
def desk(users):  # type: ignore[no-untyped-def]
    """A small newsroom: a reporter (the author), two checkers, an editor, and the author's actor."""

    class Desk:
        rita, rita_h = users.make("rita", "reporter", "politics")
        cara, cara_h = users.make("cara", "checker")
        carl, carl_h = users.make("carl", "checker", "politics")
        eddy, eddy_h = users.make("eddy", "editor", "politics")

    return Desk


def verdict_body(rating: str = "accurate", **extra: object) -> dict[str, object]:
    body: dict[str, object] = {"rating": rating, "note": "checked against the record"}
    if rating == "accurate":
        body["sources"] = [{"url": "https://example.org/record", "title": "The record"}]
    return {**body, **extra}
