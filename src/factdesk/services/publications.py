"""Publications: the CMS says a draft's text went out (or came down), and the gate is checked at that moment.

`record_publication` is a step of placing a CMS save (services.cms_saves.receive_save, in the drain's unit
of work): the save that carried the event is placed first, so the text published is a revision of the
draft. A text the gate did not clear (never approved, edited since its approval, blocked by a verdict
since) marks the draft `published_unapproved`, is audited, counted (/metrics), reported to the CMS's
callback as a signed `publish.unapproved` event, and, where the integration says `on_unapproved: revert`,
taken down by the `factdesk.revert_publication` task once this transaction commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cms import PUBLISHED, UNPUBLISHED, Save
from ..domain.gate import GateAnswer
from ..domain.states import status_after_publication, status_after_unpublication
from ..models import Claim, Draft, Publication, Revision, utcnow
from . import approvals, audit, notifications, outbox
from .integrations import IntegrationView, integration_actor

UNAPPROVED_EVENT = "publish.unapproved"
REVERT_TASK = "factdesk.revert_publication"


def record_publication(session: Session, integration: IntegrationView, save: Save, draft: Draft | None,
                       digest: str | None) -> Publication | None:
    """Record what `save` says of its document being live, in the caller's transaction: PUBLISHED with the
    hash `digest` of the text it carried, UNPUBLISHED without. None when it changes nothing: the same text
    is already recorded as out (a redelivery, an edit of a live document that left its text alone, two
    webhooks for one publish), or a document that was not out is said not to be. Safe to repeat."""
    if draft is None:
        return None
    last = latest_publication(session, draft.id)
    if save.publication == PUBLISHED:
        if last is not None and last.action == PUBLISHED and last.content_hash == digest:
            return None
        assert digest is not None
        return _published(session, integration, save, draft, digest)
    if last is None or last.action != PUBLISHED:
        return None
    return _unpublished(session, integration, save, draft)


def take_down(session: Session, integration: IntegrationView, save: Save) -> list[Draft]:
    """An unpublish event that carries no text: record it on the document's draft (on every locale's draft
    when its id ends with "/": Contentful's tombstone names the entry, not a locale). The drafts it was
    recorded on; none when no draft of it was out."""
    query = select(Draft).where(Draft.source == integration.name)
    if save.external_id.endswith("/"):
        query = query.where(Draft.external_id.startswith(save.external_id, autoescape=True))
    else:
        query = query.where(Draft.external_id == save.external_id)
    drafts = list(session.scalars(query.order_by(Draft.id).with_for_update(key_share=True)))
    return [d for d in drafts if record_publication(session, integration, save, d, None) is not None]


def latest_publication(session: Session, draft_id: int) -> Publication | None:
    return session.scalar(
        select(Publication).where(Publication.draft_id == draft_id).order_by(Publication.id.desc()).limit(1)
    )


def _published(session: Session, integration: IntegrationView, save: Save, draft: Draft, digest: str) -> Publication:
    answer = approvals.gate_for_text(session, draft, digest)
    blockers = _blockers(session, answer)
    publication = Publication(
        draft_id=draft.id, revision_id=_revision_id(session, draft, digest), action=PUBLISHED,
        content_hash=digest, source_version=save.source_version, event=save.event, approved=answer.publishable,
        reason=answer.reason, blockers=blockers, published_at=save.published_at or utcnow(),
    )
    session.add(publication)
    before = draft.status
    draft.status = status_after_publication(before, gate_open=answer.publishable)
    session.flush()
    detail = {"publication_id": publication.id, "content_hash": digest, "reason": answer.reason,
              "blockers": blockers, "published_at": publication.published_at.isoformat(), "event": save.event}
    audit.record(session, integration_actor(integration),
                 "draft.published" if answer.publishable else "draft.published_unapproved",
                 draft_id=draft.id, revision_id=publication.revision_id, before={"status": before},
                 after={"status": draft.status, **detail})
    if not answer.publishable:
        _report_unapproved(session, integration, draft, publication, detail)
    return publication


def _report_unapproved(session: Session, integration: IntegrationView, draft: Draft, publication: Publication,
                       detail: dict[str, Any]) -> None:
    revert = integration.options.get("on_unapproved") == "revert" and bool(
        integration.options.get("api_url") and integration.options.get("api_key"))
    notifications.queue_event(session, draft.id, UNAPPROVED_EVENT, {
        **detail, "revert": "requested" if revert else None,
        "links": {"draft": f"/api/v1/drafts/{draft.id}", "desk": f"/desk/drafts/{draft.id}"},
    })
    if revert:
        publication.revert = "requested"
        outbox.add_job(session, REVERT_TASK, [publication.id], draft_id=draft.id)


def _unpublished(session: Session, integration: IntegrationView, save: Save, draft: Draft) -> Publication:
    publication = Publication(draft_id=draft.id, action=UNPUBLISHED, source_version=save.source_version,
                              event=save.event, blockers=[], published_at=utcnow())
    session.add(publication)
    before = draft.status
    current = draft.current_revision
    statuses = None if current is None or current.extracted_at is None else list(
        session.scalars(select(Claim.status).where(Claim.revision_id == current.id)))
    draft.status = status_after_unpublication(before, statuses)
    session.flush()
    audit.record(session, integration_actor(integration), "draft.unpublished", draft_id=draft.id,
                 before={"status": before},
                 after={"status": draft.status, "publication_id": publication.id, "event": save.event})
    return publication


def _blockers(session: Session, answer: GateAnswer) -> list[dict[str, Any]]:
    """The gate's blockers with the sentence of each claim, for the people the alert reaches."""
    if not answer.blockers:
        return []
    sentences = dict(session.execute(
        select(Claim.id, Claim.sentence).where(Claim.id.in_([b.claim_id for b in answer.blockers]))
    ).all())
    return [{"claim_id": b.claim_id, "reason": b.reason, "sentence": sentences.get(b.claim_id)}
            for b in answer.blockers]


def _revision_id(session: Session, draft: Draft, digest: str) -> int | None:
    current = draft.current_revision
    if current is not None and current.content_hash == digest:
        return current.id
    return session.scalar(select(Revision.id).where(Revision.draft_id == draft.id, Revision.content_hash == digest)
                          .order_by(Revision.number.desc()).limit(1))
