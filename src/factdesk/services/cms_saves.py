"""CMS saves in drafts: the ordering rule, and placing one save around the shared revision maker.

A CMS promises no order and may deliver a save twice. A save is placed by its CMS version (`order`: an
integer version or a timestamp in ms) and never by that alone: Ghost's `updated_at` has whole-second
resolution, so a create and an edit in one second carry the same one. Ties are broken with text hashes:
the same (order, hash) is a redelivery; otherwise the save whose stated predecessor is the other one's
text is the newer; a document's first save precedes anything of the same second; and with nothing to go
on, arrival order decides (both texts are kept either way).

`place` is that rule, and the only statement of it: the hook answers a CMS with it (services.inbox, over the
document's inbox rows), and the worker places the save in its draft with it (`receive_save`, over the draft's
`cms_saves` rows). The queries on either side only fetch the rows the rule reads (a save's earlier delivery,
and its document's newest save that is not stale); tests/cms/test_save_order.py holds each of them, on the
suite's database, to the rule over a table of cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cms import Save
from ..domain.actors import Actor
from ..extraction import normalize
from ..models import CmsSave, Revision
from . import audit, publications
from .integrations import IntegrationView, integration_actor
from .revisions import (
    Prepared,
    SaveOutcome,
    Submission,
    SubmitResult,
    add_revision,
    content_hash,
    prepare_revision,
    save_revision,
)

# previous_hash of a document's first save: it replaced nothing.
NO_PREDECESSOR = ""
# Saves with these outcomes are never their document's newest: a later save is not compared with them.
NOT_LIVE = (SaveOutcome.STALE, SaveOutcome.REJECTED)
# The values of cms_saves.outcome, which says "current" where everything else says "created".
_RECORDED = {SaveOutcome.CREATED: "current", SaveOutcome.UNCHANGED: "unchanged", SaveOutcome.STALE: "stale"}


class Earlier(NamedTuple):
    """A save its document received before, as far as placing the next one needs it."""

    source_order: int | None
    content_hash: str
    previous_hash: str | None
    live: bool  # its outcome is not in NOT_LIVE


def place(earlier: Iterable[Earlier], order: int | None, digest: str, prev_hash: str | None) -> SaveOutcome:
    """Where a save goes among its document's earlier saves (`earlier`, in arrival order; those that can
    matter suffice: its own earlier delivery, and the newest live save, versioned or by arrival).

    DUPLICATE: the same version and text arrived before. STALE: older than the newest live save. Otherwise
    it is the document's newest: UNCHANGED when that save had the same text, else ACCEPTED. A save without a
    version (`order` None) is never a duplicate or stale; the newest save by arrival is its predecessor.
    """
    head: Earlier | None = None
    head_order = 0  # head.source_order, once a versioned save has a head
    for save in earlier:
        if order is not None and save.source_order == order and save.content_hash == digest:
            return SaveOutcome.DUPLICATE
        if not save.live:
            continue
        if order is None:
            head = save
        elif save.source_order is not None and (head is None or save.source_order >= head_order):
            head, head_order = save, save.source_order  # a later arrival wins a tie (ORDER BY ..., id DESC)
    if head is None:
        return SaveOutcome.ACCEPTED
    if order is not None and is_older(head, order, digest, prev_hash):
        return SaveOutcome.STALE
    return SaveOutcome.UNCHANGED if head.content_hash == digest else SaveOutcome.ACCEPTED


def is_older(head: Earlier, order: int, digest: str, prev_hash: str | None) -> bool:
    """Whether a versioned save that is not a redelivery is older than its document's newest live save."""
    assert head.source_order is not None
    if order != head.source_order:
        return order < head.source_order
    return not _follows(digest, prev_hash, head)


def _follows(digest: str, prev_hash: str | None, head: Earlier) -> bool:
    """Of two different texts with the same CMS version, is the new one (digest) the later?"""
    if prev_hash is not None and prev_hash == head.content_hash:
        return True  # it says it replaced the head's text
    if head.previous_hash is not None and head.previous_hash == digest:
        return False  # the head says it replaced this text
    # A creation precedes any edit of the same second; with nothing else to go on, arrival order decides.
    return not (prev_hash == NO_PREDECESSOR and head.previous_hash != NO_PREDECESSOR)


def previous_hash(save: Save) -> str | None:
    """The content hash of the text this save replaced, as the draft's own hash would be computed."""
    if save.first_save:
        return NO_PREDECESSOR
    if save.previous_body is None:
        return None
    return content_hash(normalize(save.previous_body, save.format, title=save.previous_title).text)


def receive_save(
    session: Session, integration: IntegrationView, save: Save, *, debounce: float
) -> SubmitResult | None:
    """Place one save of the integration's document `save.external_id` in its draft, in the caller's
    transaction: a redelivery stores nothing, an older version is kept as history that never becomes current,
    and anything else goes through `save_revision` like a REST submission. Then, when the CMS says the
    document is (or is no longer) live, the publication is recorded and the gate checked for the text it
    carried (services.publications). Safe to repeat.

    None for an unpublish event that carries no text (`Save.takes_down`): it places no save.
    Extraction waits `debounce` seconds so that a burst of autosaves is extracted once, newest text only.
    Raises Forbidden (the integration's user may not submit), Invalid (a save with no text).
    """
    if save.takes_down:
        publications.take_down(session, integration, save)
        return None
    result, digest = _place_save(session, integration, save, debounce)
    if save.publication is not None:
        publications.record_publication(session, integration, save, result.draft, digest)
    return result


def _place_save(
    session: Session, integration: IntegrationView, save: Save, debounce: float
) -> tuple[SubmitResult, str]:
    """receive_save's placing of the text; with the hash of the text as the draft stores it."""
    actor = integration_actor(integration)
    sub = Submission(
        body=save.body, format=save.format, title=save.title, external_id=save.external_id, desk=save.desk,
        deadline=save.deadline, reference_date=save.reference_date, source=integration.name,
        source_version=save.source_version, url=save.url,
    )
    prepared = prepare_revision(session, actor, sub)  # checks, and locks the draft: its saves are placed in turn
    order = save.source_order
    if order is None:  # nothing to order it by: the newest by arrival, as a REST submission is
        return save_revision(session, actor, sub, debounce=debounce, prepared=prepared), prepared.digest
    prev_hash = previous_hash(save)
    outcome, same = SaveOutcome.ACCEPTED, None  # a new draft has no saves yet
    if prepared.draft is not None:
        outcome, same = place_in_draft(session, prepared.draft.id, order, prepared.digest, prev_hash)
    if outcome == SaveOutcome.DUPLICATE:
        assert prepared.draft is not None and same is not None
        return SubmitResult(prepared.draft, session.get_one(Revision, same.revision_id), False, False,
                            outcome=SaveOutcome.DUPLICATE), prepared.digest
    if outcome == SaveOutcome.STALE:
        result = _keep_as_history(session, actor, sub, prepared)
    else:
        result = save_revision(session, actor, sub, debounce=debounce, prepared=prepared)
    session.add(CmsSave(
        draft_id=result.draft.id, revision_id=result.revision.id, source_version=save.source_version,
        source_order=order, content_hash=prepared.digest, previous_hash=prev_hash,
        outcome=_RECORDED[result.outcome],
    ))
    return result, prepared.digest


def place_in_draft(
    session: Session, draft_id: int, order: int, digest: str, prev_hash: str | None
) -> tuple[SaveOutcome, CmsSave | None]:
    """`place` over the draft's recorded saves, fetching only what the rule reads (two indexed lookups at
    most); with DUPLICATE, the earlier record. Call with the draft row locked, so saves are placed in turn."""
    same = session.scalar(select(CmsSave).where(
        CmsSave.draft_id == draft_id, CmsSave.source_order == order, CmsSave.content_hash == digest
    ))
    found = same if same is not None else session.scalar(
        select(CmsSave)
        .where(CmsSave.draft_id == draft_id, CmsSave.outcome.not_in(NOT_LIVE))
        .order_by(CmsSave.source_order.desc(), CmsSave.id.desc())
        .limit(1)
    )
    earlier = [] if found is None else [_recorded(found)]
    return place(earlier, order, digest, prev_hash), same


def _recorded(row: CmsSave) -> Earlier:
    """A draft's recorded save as the ordering rule reads it."""
    return Earlier(row.source_order, row.content_hash, row.previous_hash, row.outcome not in NOT_LIVE)


def _keep_as_history(session: Session, actor: Actor, sub: Submission, prepared: Prepared) -> SubmitResult:
    """Keep an out-of-order older save as history: a revision (unless that text is stored already) that
    never becomes current, queues no extraction and changes none of the draft's metadata."""
    draft = prepared.draft
    assert draft is not None
    revision = session.scalar(
        select(Revision).where(Revision.draft_id == draft.id, Revision.content_hash == prepared.digest).limit(1)
    )
    created = revision is None
    if revision is None:
        revision = add_revision(session, actor, draft, sub, prepared.text, prepared.digest)
    audit.record(session, actor, "revision.stale", draft_id=draft.id, revision_id=revision.id,
                 after={"source_version": sub.source_version, "number": revision.number,
                        "content_hash": prepared.digest})
    return SubmitResult(draft, revision, False, created, outcome=SaveOutcome.STALE)
