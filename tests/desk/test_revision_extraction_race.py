"""A REST revision and the worker storing the previous revision's claims, on one draft at once, on PostgreSQL:
they wait for each other in turn and never deadlock (issue 12, item 8: "the task failed")."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from factdesk.db import unit_of_work
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.models import Revision
from factdesk.services.drafts import Submission, submit_draft
from factdesk.services.extraction import store_claims

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.committed,  # two threads, two connections: each must see what the other committed
    pytest.mark.skipif(not os.environ.get("FACTDESK_TEST_DATABASE_URL"),
                       reason="row-lock deadlocks need PostgreSQL: set FACTDESK_TEST_DATABASE_URL"),
]

ROUNDS = 60
CLAIMS = 12  # several claim rows per revision, so that both transactions hold locks for a while


def _text(n: int) -> str:
    facts = (f"The council spent {k + n} million dollars in {2000 + k}." for k in range(CLAIMS))
    return f"Revision {n}. " + " ".join(facts)


def _extraction(text: str) -> Extraction:
    """Claims for `text` without the NLP (the race is in storing them, not finding them)."""
    claims = [
        FoundClaim(type="money", spans=((i * 10, i * 10 + 5),), text=text[i * 10:i * 10 + 5], sentence=text,
                   normalized={"n": i}, score=0.5, reasons=("test",), fingerprint=f"fp-{i}")
        for i in range(CLAIMS)
    ]
    return Extraction(text=text, claims=claims)


def test_a_revision_and_store_claims_on_one_draft_never_deadlock(sessions, users) -> None:
    author, _ = users.make("rita", "reporter", "politics")
    first = submit_draft(sessions, author, Submission(body=_text(0), external_id="race", desk="politics"))
    revision = first.draft.current_revision
    assert revision is not None
    errors: list[BaseException] = []

    for n in range(1, ROUNDS + 1):
        previous_id, previous_text = revision.id, revision.text
        start = threading.Barrier(2)
        submitted: list[object] = []

        def revise(n: int = n, start: threading.Barrier = start, submitted: list[object] = submitted) -> None:
            try:
                start.wait()
                # A new desk and deadline too: the revision then also updates the draft's claims.
                submitted.append(submit_draft(sessions, author, Submission(
                    body=_text(n), external_id="race", desk="politics" if n % 2 else "business")))
            except BaseException as exc:  # surfaced by the assertion below
                errors.append(exc)

        def store(revision_id: int = previous_id, text: str = previous_text,
                  start: threading.Barrier = start) -> None:
            try:
                start.wait()
                with unit_of_work(sessions) as session:
                    store_claims(session, revision_id, _extraction(text))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=revise), threading.Thread(target=store)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, f"round {n}: {errors[0]!r}"
        revision = submitted[0].draft.current_revision  # type: ignore[attr-defined]
        assert revision is not None

    with unit_of_work(sessions) as session:
        stored = session.scalar(select(func.count()).select_from(Revision).where(Revision.extracted_at.is_not(None)))
    assert stored == ROUNDS  # every revision's claims were stored, each while its successor was being made
