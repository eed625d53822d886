"""Read models cost a constant number of queries: listing many drafts costs what listing one does."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from factdesk.services.drafts import list_drafts, submit_draft
from factdesk.services.revisions import Submission


@contextmanager
def counting_queries(engine):  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _submit(sessions, actor, n: int, desk: str) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        submit_draft(sessions, actor, Submission(body=f"The city paid ${i + 1} million on {desk} day {i}.",
                                                 external_id=f"{desk}-{i}", desk=desk))


def test_listing_drafts_costs_the_same_queries_for_one_draft_as_for_twelve(runtime, sessions, users):
    reporter, _ = users.make("rita", "reporter", "politics")
    _submit(sessions, reporter, 1, "one")
    _submit(sessions, reporter, 12, "many")

    with counting_queries(runtime.engine) as one:
        page_one = list_drafts(sessions, desk="one")
    with counting_queries(runtime.engine) as many:
        page_many = list_drafts(sessions, desk="many")

    assert page_one.total == 1 and len(page_one.items) == 1
    assert page_many.total == 12 and len(page_many.items) == 12
    assert all(d.current_revision is not None and d.current_revision.number == 1 for d in page_many.items)
    assert len(many) == len(one), "\n".join(many)


def test_a_listed_draft_says_what_reading_it_alone_says(client, reporter):
    posted = client.post("/api/v1/drafts", json={"body": "The city paid $3 million.", "external_id": "a"},
                         headers=reporter)
    assert posted.status_code == 202
    alone = client.get(posted.headers["Location"], headers=reporter).json
    listed = client.get("/api/v1/drafts", headers=reporter).json["items"]
    assert listed == [alone]
