"""Who may post a new revision of someone else's draft by REST: its authors, editors of its desk (an editor
without a desk: any desk), and no one else. A refusal is 403 in the API's error shape and stores nothing.

Issue 12 (4): a second reporter could overwrite a colleague's draft by posting to the same `external_id`.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from factdesk.db import unit_of_work
from factdesk.models import AuditEvent, OutboxJob, Revision
from factdesk.services.integrations import add_integration
from factdesk.services.users import issue_token

ORIGINAL = {"external_id": "budget", "title": "Budget", "body": "The council spent $3 million.", "desk": "politics",
            "deadline": "2031-05-01T12:00:00+00:00"}
EDIT = {"external_id": "budget", "title": "Budget (edited)", "body": "The council spent $30 million.",
        "desk": "sports", "deadline": "2031-06-01T12:00:00+00:00"}


def stored(client, headers, sessions, draft_id: int) -> tuple[Any, ...]:  # type: ignore[no-untyped-def]
    """What a refused save must leave as it was: the draft as read, its revisions, its jobs and audit trail."""
    with unit_of_work(sessions) as s:
        rows = tuple(s.scalar(select(func.count()).select_from(m)) for m in (Revision, OutboxJob, AuditEvent))
    draft = client.get(f"/api/v1/drafts/{draft_id}", headers=headers).json
    revisions = client.get(f"/api/v1/drafts/{draft_id}/revisions", headers=headers).json
    return draft, revisions, rows


@pytest.fixture
def newsroom(users):  # type: ignore[no-untyped-def]
    """Headers by name: rita wrote the draft; the others are who might revise it."""
    people = {"rita": ("reporter", "politics"), "rob": ("reporter", "politics"), "eddy": ("editor", "politics"),
              "bea": ("editor", "business"), "ada": ("editor", None), "root": ("admin", None),
              "cara": ("checker", "politics")}
    return {name: users.make(name, role, desk)[1] for name, (role, desk) in people.items()}


@pytest.mark.parametrize(
    ("who", "status", "reason"),
    [
        ("rita", 202, None),  # the author
        ("eddy", 202, None),  # an editor of the draft's desk
        ("ada", 202, None),  # an editor without a desk edits every desk
        ("root", 202, None),  # an admin
        ("rob", 403, "not_author"),  # a second reporter of the same desk
        ("bea", 403, "desk"),  # an editor of another desk
        ("cara", 403, None),  # a checker submits nothing
    ],
)
def test_who_may_revise_someone_elses_draft(client, sessions, newsroom, who, status, reason) -> None:
    first = client.post("/api/v1/drafts", json=ORIGINAL, headers=newsroom["rita"])
    assert first.status_code == 202
    draft_id = first.json["id"]
    before = stored(client, newsroom["rita"], sessions, draft_id)

    r = client.post("/api/v1/drafts", json=EDIT, headers=newsroom[who])

    assert r.status_code == status, r.json
    if status == 202:
        assert r.json["id"] == draft_id and r.json["current_revision"]["number"] == 2
        assert r.json["title"] == EDIT["title"] and r.json["desk"] == EDIT["desk"]
        return
    assert r.json["status"] == 403 and r.json["code"] == "forbidden" and r.json["message"]
    if reason is not None:
        assert r.json["errors"]["reason"] == reason and r.json["errors"]["draft_id"] == draft_id
    # Nothing stored: not the text, not the title, desk or deadline, no job, no audit event.
    assert stored(client, newsroom["rita"], sessions, draft_id) == before


def test_the_same_text_with_new_metadata_from_a_colleague_is_refused_too(client, sessions, newsroom) -> None:
    draft_id = client.post("/api/v1/drafts", json=ORIGINAL, headers=newsroom["rita"]).json["id"]
    before = stored(client, newsroom["rita"], sessions, draft_id)
    r = client.post("/api/v1/drafts", json={**ORIGINAL, "desk": "sports", "deadline": EDIT["deadline"]},
                    headers=newsroom["rob"])
    assert r.status_code == 403 and r.json["errors"]["reason"] == "not_author"
    assert stored(client, newsroom["rita"], sessions, draft_id) == before


def test_whoever_revised_a_draft_may_revise_it_again_and_others_still_may_not(client, newsroom) -> None:
    draft_id = client.post("/api/v1/drafts", json=ORIGINAL, headers=newsroom["rita"]).json["id"]
    assert client.post("/api/v1/drafts", json=EDIT, headers=newsroom["eddy"]).status_code == 202
    # The draft moved to the sports desk: its politics editor is an author now, and keeps the right to edit.
    again = client.post("/api/v1/drafts", json={**EDIT, "body": "The council spent $31 million."},
                        headers=newsroom["eddy"])
    assert again.status_code == 202 and again.json["current_revision"]["number"] == 3
    assert client.post("/api/v1/drafts", json={**EDIT, "body": "Rob's text."},
                       headers=newsroom["rob"]).status_code == 403
    revisions = client.get(f"/api/v1/drafts/{draft_id}/revisions", headers=newsroom["rita"]).json
    assert [r["number"] for r in revisions] == [1, 2, 3]


def test_an_integrations_user_may_not_revise_a_rest_draft(client, sessions, newsroom) -> None:
    draft_id = client.post("/api/v1/drafts", json=ORIGINAL, headers=newsroom["rita"]).json["id"]
    add_integration(sessions, "ghost-main", "s" * 32, fmt="generic")
    cms = {"Authorization": f"Bearer {issue_token(sessions, 'ghost-main').token}"}
    before = stored(client, newsroom["rita"], sessions, draft_id)
    r = client.post("/api/v1/drafts", json=EDIT, headers=cms)
    assert r.status_code == 403 and r.json["errors"]["reason"] == "not_author"
    assert stored(client, newsroom["rita"], sessions, draft_id) == before
