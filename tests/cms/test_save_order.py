"""The save-ordering rule is stated once (services.cms_saves.place); the three statements that fetch what it reads
(the inbox's lookup in PostgreSQL's and in SQLite's SQL, the draft's recorded saves through the ORM) are held
to it here, on the suite's database, over one table of cases.

Each case is a document's earlier saves, in arrival order, and a new save; the expected answer is what the
rule says over the whole history. The inbox is asked through `store_saves` (its SQL for this database) with
the history stored as rows; the draft through `place_in_draft` with the history recorded in `cms_saves`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import insert

from factdesk.cms import Save
from factdesk.db import unit_of_work
from factdesk.models import CmsInboxItem, CmsSave, Draft, Revision, utcnow
from factdesk.services.cms_saves import NO_PREDECESSOR, NOT_LIVE, Earlier, place, place_in_draft
from factdesk.services.inbox import CheckedSave, store_saves
from factdesk.services.integrations import add_integration
from factdesk.services.revisions import SaveOutcome

ACCEPTED, UNCHANGED = SaveOutcome.ACCEPTED, SaveOutcome.UNCHANGED
DUPLICATE, STALE, REJECTED = SaveOutcome.DUPLICATE, SaveOutcome.STALE, SaveOutcome.REJECTED
FIRST = "first"  # a document's first save: it replaced nothing


@dataclass(frozen=True)
class S:
    """A save: its version (None: the CMS sent none), its text, the text it says it replaced, and (earlier
    saves) what became of it."""

    order: int | None
    text: str
    prev: str | None = None
    status: SaveOutcome = SaveOutcome.CREATED

    @property
    def digest(self) -> str:
        return f"hash-{self.text}"

    @property
    def prev_hash(self) -> str | None:
        return NO_PREDECESSOR if self.prev == FIRST else None if self.prev is None else f"hash-{self.prev}"


# (name, earlier saves in arrival order, the new save, what the rule says)
CASES: list[tuple[str, list[S], S, SaveOutcome]] = [
    ("first save of a document", [], S(1, "a"), ACCEPTED),
    ("a newer version", [S(1, "a")], S(2, "b"), ACCEPTED),
    ("a newer version, same text", [S(1, "a")], S(2, "a"), UNCHANGED),
    ("a redelivery", [S(1, "a"), S(2, "b")], S(1, "a"), DUPLICATE),
    ("a redelivery of a stale save", [S(3, "c"), S(2, "b", status=STALE)], S(2, "b"), DUPLICATE),
    ("an older version", [S(2, "a")], S(1, "b"), STALE),
    ("older than the newest, newer than a stale one", [S(2, "a"), S(1, "b", status=STALE)], S(1, "c"), STALE),
    ("a stale save is never the newest", [S(3, "a"), S(5, "z", status=STALE)], S(4, "c"), ACCEPTED),
    ("the same text as a stale save is not unchanged", [S(1, "a"), S(9, "z", status=STALE)], S(2, "z"), ACCEPTED),
    ("same second: it says it replaced the newest", [S(5, "a", FIRST)], S(5, "b", "a"), ACCEPTED),
    ("same second: the newest says it replaced this", [S(5, "b", "a")], S(5, "a", FIRST), STALE),
    ("same second: a creation precedes an edit", [S(5, "b")], S(5, "a", FIRST), STALE),
    ("same second: nothing said, arrival decides", [S(5, "a")], S(5, "b"), ACCEPTED),
    ("same second: two creations, arrival decides", [S(5, "a", FIRST)], S(5, "b", FIRST), ACCEPTED),
    ("a tie among earlier saves: the later arrival is the newest", [S(5, "b", FIRST), S(5, "c")],
     S(5, "d", FIRST), STALE),
    ("a tie among earlier saves: unchanged against the later arrival", [S(5, "a"), S(5, "b", "a")], S(6, "b"),
     UNCHANGED),
    ("a lower version stored after a higher one", [S(7, "a"), S(3, "b", status=UNCHANGED)], S(5, "c"), STALE),
    # Only the inbox holds these: a rejected save is never recorded in a draft, nor is one without a version.
    ("a rejected save is never the newest", [S(3, "a"), S(5, "b", status=REJECTED)], S(4, "c"), ACCEPTED),
    ("a redelivery of a rejected save", [S(4, "b", status=REJECTED)], S(4, "b"), DUPLICATE),
    ("no version: the same text as the newest arrival", [S(None, "a")], S(None, "a"), UNCHANGED),
    ("no version: compared with the newest arrival only", [S(None, "a"), S(None, "b")], S(None, "a"), ACCEPTED),
    ("no version: after a versioned save", [S(3, "a")], S(None, "a"), UNCHANGED),
    ("no version: a stale save is not the newest arrival", [S(3, "a"), S(1, "b", status=STALE)], S(None, "b"),
     ACCEPTED),
    ("a version after saves without one", [S(None, "a")], S(1, "a"), ACCEPTED),
]
IDS = [name for name, *_ in CASES]


def in_drafts(earlier: list[S], new: S) -> bool:
    """Whether a draft's recorded saves can hold this history (versioned saves, none rejected)."""
    return new.order is not None and all(s.order is not None and s.status != REJECTED for s in earlier)


@pytest.mark.parametrize(("earlier", "new", "expected"), [case[1:] for case in CASES], ids=IDS)
def test_the_rule(earlier: list[S], new: S, expected: SaveOutcome) -> None:
    history = [Earlier(s.order, s.digest, s.prev_hash, s.status not in NOT_LIVE) for s in earlier]
    assert place(history, new.order, new.digest, new.prev_hash) == expected


@pytest.mark.parametrize(("earlier", "new", "expected"), [case[1:] for case in CASES], ids=IDS)
def test_the_inbox_answers_by_the_rule(runtime, sessions, earlier: list[S], new: S, expected: SaveOutcome) -> None:
    integration_id = add_integration(sessions, "order", "secret-0123456789").id
    rows: list[dict[str, Any]] = [{
        "integration_id": integration_id, "external_id": "doc", "source_order": s.order, "content_hash": s.digest,
        "previous_hash": s.prev_hash, "payload": None, "received_at": utcnow(),
        # What the hook answered, and what the worker made of it: the later one counts.
        "answer": STALE if s.status == STALE and n % 2 else ACCEPTED,
        "outcome": None if s.status == STALE and n % 2 else s.status,
    } for n, s in enumerate(earlier)]
    with runtime.engine.begin() as conn:
        for row in rows:  # one by one: ids in arrival order
            conn.execute(insert(CmsInboxItem), row)
    save = Save(external_id="doc", body=new.text, format="text", source_order=new.order)
    with runtime.engine.begin() as conn:
        [[receipt]] = store_saves(conn, [(integration_id, [CheckedSave(save, new.digest, new.prev_hash,
                                                                       save.to_json())])])
    assert receipt.outcome == expected


@pytest.mark.parametrize(("earlier", "new", "expected"),
                         [case[1:] for case in CASES if in_drafts(*case[1:3])],
                         ids=[case[0] for case in CASES if in_drafts(*case[1:3])])
def test_the_worker_places_by_the_rule(sessions, earlier: list[S], new: S, expected: SaveOutcome) -> None:
    with unit_of_work(sessions) as s:
        draft = Draft(source="cms", external_id="doc", status="received")
        s.add(draft)
        s.flush()
        revision = Revision(draft_id=draft.id, number=1, body="x", format="text", text="x", content_hash="x")
        s.add(revision)
        s.flush()
        for save in earlier:  # flushed one by one: ids in arrival order
            s.add(CmsSave(draft_id=draft.id, revision_id=revision.id, source_order=save.order,
                          content_hash=save.digest, previous_hash=save.prev_hash,
                          outcome="current" if save.status == SaveOutcome.CREATED else save.status))
            s.flush()
        draft_id = draft.id
    assert new.order is not None
    with unit_of_work(sessions) as s:
        outcome, same = place_in_draft(s, draft_id, new.order, new.digest, new.prev_hash)
    assert outcome == expected
    assert (same is not None) == (expected == DUPLICATE)
