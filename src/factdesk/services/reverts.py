"""Taking unapproved text down: asking the CMS to unpublish it (cms.reverts), retried with backoff, audited.

`revert_publication` is the `factdesk.revert_publication` task's use case. It runs after the transaction
that recorded the publication committed (an outbox job), never inside a request, and holds no lock while
the CMS answers: two short units of work around the call. The CMS's answer is kept on the publication and
in the audit log. The draft's status is not changed here: the CMS's own unpublish webhook says it is down.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cms.reverts import Answer, Call, RevertError, unpublish
from ..config import Settings
from ..db import Sessions, unit_of_work
from ..domain.actors import SYSTEM
from ..models import Draft, Integration, OutboxJob, Publication, utcnow
from . import audit
from .deliveries import OPENER, Attempt, backoff
from .publications import REVERT_TASK

ANSWER_CHARS = 1000
# Answers worth asking again: the CMS is busy or down, or timed out. Anything else 4xx will not change.
_RETRYABLE = {408, 409, 425, 429}


@dataclass(frozen=True)
class _Request:
    fmt: str
    options: dict[str, Any]
    external_id: str


def revert_publication(sessions: Sessions, settings: Settings, publication_id: int) -> Attempt:
    """Ask the CMS once to unpublish the publication's document and record its answer. Safe to repeat: a
    publication whose revert is done or failed is not asked about again."""
    with unit_of_work(sessions) as session:
        request = _prepare(session, publication_id)
    if request is None:
        return Attempt("done_already")
    try:
        answer = unpublish(request.fmt, request.options, request.external_id,
                           lambda call: fetch(call, settings.callback_timeout_seconds), int(time.time()))
    except RevertError as exc:
        answer = Answer(None, error=str(exc))
        final = True
    else:
        final = answer.status is not None and 400 <= answer.status < 500 and answer.status not in _RETRYABLE
    with unit_of_work(sessions) as session:
        return _record(session, settings, publication_id, answer, final=final)


def _prepare(session: Session, publication_id: int) -> _Request | None:
    publication = session.get(Publication, publication_id)
    if publication is None or publication.revert != "requested":
        _finish_job(session, publication_id)
        return None
    draft = session.get_one(Draft, publication.draft_id)
    integration = session.scalar(select(Integration).where(Integration.name == draft.source))
    if integration is None or draft.external_id is None:
        return None
    return _Request(integration.format, dict(integration.options or {}), draft.external_id)


def fetch(call: Call, timeout: float) -> Answer:
    """Make one HTTP call (no redirects followed); the CMS's status and the start of its body."""
    req = urllib.request.Request(call.url, data=call.body, headers=dict(call.headers), method=call.method)
    try:
        with OPENER.open(req, timeout=timeout) as response:
            return Answer(response.status, response.read(ANSWER_CHARS * 64).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.read(ANSWER_CHARS).decode("utf-8", "replace"), f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Answer(None, error=str(getattr(exc, "reason", exc))[:ANSWER_CHARS])


def _record(session: Session, settings: Settings, publication_id: int, answer: Answer, *, final: bool) -> Attempt:
    publication = session.get(Publication, publication_id, with_for_update=True)
    if publication is None or publication.revert != "requested":
        return Attempt("done_already")
    publication.revert_attempts = (publication.revert_attempts or 0) + 1
    said = {"status_code": answer.status, "error": answer.error, "answer": answer.body[:ANSWER_CHARS],
            "attempt": publication.revert_attempts}
    publication.revert_answer = f"{answer.status or '-'} {answer.error or ''} {answer.body}".strip()[:ANSWER_CHARS]
    if answer.ok or final or publication.revert_attempts >= settings.callback_max_attempts:
        publication.revert = "done" if answer.ok else "failed"
        audit.record(session, SYSTEM, "publication.reverted" if answer.ok else "publication.revert_failed",
                     draft_id=publication.draft_id, revision_id=publication.revision_id,
                     after={"publication_id": publication.id, **said})
        _finish_job(session, publication_id, error=None if answer.ok else publication.revert_answer)
        return Attempt(publication.revert)
    wait = backoff(settings, publication.revert_attempts)
    now = utcnow()
    # Push the outbox job out too, so the sweep does not send it again while we back off.
    for job in _pending_jobs(session, publication_id):
        job.available_at, job.sent_at, job.last_error = now + timedelta(seconds=wait), now, publication.revert_answer
    return Attempt("retry", wait)


def _pending_jobs(session: Session, publication_id: int) -> list[OutboxJob]:
    jobs = session.scalars(select(OutboxJob).where(OutboxJob.task == REVERT_TASK, OutboxJob.status == "pending"))
    return [j for j in jobs if j.args == [publication_id]]


def _finish_job(session: Session, publication_id: int, error: str | None = None) -> None:
    for job in _pending_jobs(session, publication_id):
        job.status, job.done_at, job.last_error = "done", utcnow(), error
