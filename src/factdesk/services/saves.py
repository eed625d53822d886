"""Ordering CMS saves: is a save a redelivery, older than what we have (stale), or the draft's newest text?

A CMS promises no order and may deliver a save twice. A save is placed by its CMS version (`order`: an
integer version or a timestamp in ms) and never by that alone: Ghost's `updated_at` has whole-second
resolution, so a create and an edit in one second carry the same one. Ties are broken with text hashes:
the same (order, hash) is a redelivery; otherwise the save whose stated predecessor is the other one's
text is the newer; a document's first save precedes anything of the same second; and with nothing to go
on, arrival order decides (both texts are kept either way).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..extraction import normalize
from ..models import CmsSave

# previous_hash of a document's first save: it replaced nothing.
NO_PREDECESSOR = ""


class Placement(StrEnum):
    DUPLICATE = "duplicate"
    STALE = "stale"
    NEWER = "newer"


@dataclass(frozen=True)
class CmsVersion:
    """What a CMS told us about a save's place in its document's history."""

    order: int
    previous_body: str | None = None
    previous_title: str | None = None
    first_save: bool = False


def previous_hash(cms: CmsVersion, fmt: str) -> str | None:
    """The content hash of the text this save replaced, as the draft's own hash would be computed."""
    if cms.first_save:
        return NO_PREDECESSOR
    if cms.previous_body is None:
        return None
    text = normalize(cms.previous_body, fmt, title=cms.previous_title).text
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def place_save(
    session: Session, draft_id: int, cms: CmsVersion, digest: str, prev_hash: str | None
) -> tuple[Placement, CmsSave | None]:
    """Where a save of an existing draft goes; with DUPLICATE, the earlier record of the same save.

    Call with the draft row locked (submit_draft does), so two deliveries of one draft are placed in turn.
    """
    same = session.scalar(select(CmsSave).where(
        CmsSave.draft_id == draft_id, CmsSave.source_order == cms.order, CmsSave.content_hash == digest
    ))
    if same is not None:
        return Placement.DUPLICATE, same
    head = session.scalar(
        select(CmsSave)
        .where(CmsSave.draft_id == draft_id, CmsSave.outcome != Placement.STALE)
        .order_by(CmsSave.source_order.desc(), CmsSave.id.desc())
        .limit(1)
    )
    return place_after(head, cms.order, digest, prev_hash), None


class SaveHead(Protocol):
    """The newest non-stale save of a document, as far as placing the next one needs it."""

    source_order: int
    content_hash: str
    previous_hash: str | None


def place_after(head: SaveHead | None, order: int, digest: str, prev_hash: str | None) -> Placement:
    """NEWER or STALE: where a save that is not a redelivery goes, given the document's newest save."""
    if head is None or order > head.source_order:
        return Placement.NEWER
    if order < head.source_order:
        return Placement.STALE
    return Placement.NEWER if _follows(digest, prev_hash, head) else Placement.STALE


def _follows(digest: str, prev_hash: str | None, head: SaveHead) -> bool:
    """Of two different texts with the same CMS version, is the new one (digest) the later?"""
    if prev_hash is not None and prev_hash == head.content_hash:
        return True  # it says it replaced the head's text
    if head.previous_hash is not None and head.previous_hash == digest:
        return False  # the head says it replaced this text
    # A creation precedes any edit of the same second; with nothing else to go on, arrival order decides.
    return not (prev_hash == NO_PREDECESSOR and head.previous_hash != NO_PREDECESSOR)


def record_save(
    session: Session, draft_id: int, revision_id: int, cms: CmsVersion, *, version: str | None, digest: str,
    prev_hash: str | None, outcome: str,
) -> CmsSave:
    row = CmsSave(
        draft_id=draft_id, revision_id=revision_id, source_version=version, source_order=cms.order,
        content_hash=digest, previous_hash=prev_hash, outcome=outcome,
    )
    session.add(row)
    return row
