"""The ClaimReview export: a draft's published checks as schema.org JSON-LD, for search engines and fact-check
aggregators (https://schema.org/ClaimReview)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from ..db import Sessions, unit_of_work
from ..domain.ratings import BEST_RATING, DEFAULT_RATING_WORDS, RATING_SCALE, WORST_RATING, Rating, publishable_rating
from ..models import Approval, Claim, Draft, Revision, Verdict
from .approvals import gate_for_current, latest_approval
from .drafts import find_draft
from .errors import Conflict
from .read_models import latest_verdicts

CONTEXT = "https://schema.org"
# The claim types whose values name who made the claim, and the value that does.
_CLAIMANT = (("speaker", "Person"), ("source", "Organization"))


@dataclass(frozen=True)
class Publisher:
    """The newsroom publishing the checks (FACTDESK_PUBLISHER_NAME, FACTDESK_PUBLISHER_URL, FACTDESK_RATING_WORDS),
    and where a check is read when the CMS gave no article URL: `fallback_url` + the claim's id."""

    name: str
    url: str = ""
    rating_words: Mapping[str, str] = field(default_factory=dict)
    fallback_url: str = ""


def draft_claim_reviews(sessions: Sessions, draft_id: int, publisher: Publisher) -> list[dict[str, Any]]:
    """The ClaimReview items of the approved text's verdicts marked for publication (each claim's latest
    verdict, when it is marked and rates truth: `not_checkable` is no ClaimReview), in text order. Read only.
    Raises NotFound, Conflict (the draft's current text is not approved)."""
    with unit_of_work(sessions) as session:
        draft = find_draft(session, draft_id)
        gate = gate_for_current(session, draft)
        approval = latest_approval(session, draft.id)
        if not gate.publishable or approval is None:
            raise Conflict(f"draft {draft.id} is not approved: its checks are published once an editor approves it",
                           details={"reason": gate.reason or "not_approved", "status": draft.status})
        revision = session.get_one(Revision, approval.revision_id)
        claims = list(session.scalars(
            select(Claim).where(Claim.revision_id == revision.id).order_by(Claim.start, Claim.id)))
        latest = latest_verdicts(session, [c.id for c in claims])
        return [
            claim_review(c, latest[c.id], draft, revision, approval, publisher)
            for c in claims
            if c.id in latest and latest[c.id].publish and publishable_rating(latest[c.id].rating)
        ]


def claim_review(claim: Claim, verdict: Verdict, draft: Draft, revision: Revision, approval: Approval,
                 publisher: Publisher) -> dict[str, Any]:
    """One ClaimReview: the claim as reviewed, the rating on schema.org's scale with the newsroom's word for it,
    the claim (who made it, where it appeared, when), and the newsroom as author."""
    rating = Rating(verdict.rating)
    article = draft.article_url
    words = {**{r.value: w for r, w in DEFAULT_RATING_WORDS.items()}, **publisher.rating_words}
    author: dict[str, Any] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        author["url"] = publisher.url
    item: dict[str, Any] = {"@type": "Claim", "datePublished": _published(revision, approval).isoformat()}
    claimant = _claimant(claim.normalized or {})
    if claimant:
        item["author"] = claimant
    if article:
        item["appearance"] = {"@type": "CreativeWork", "url": article, **({"headline": draft.title}
                                                                        if draft.title else {})}
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": f"{article}#claim-{claim.id}" if article else f"{publisher.fallback_url}{claim.id}",
        "claimReviewed": claim.sentence.strip() or claim.text,
        "datePublished": approval.created_at.date().isoformat(),
        "author": author,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_SCALE[rating],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": words[rating.value],
        },
        "itemReviewed": item,
    }


def _published(revision: Revision, approval: Approval) -> date:
    """When the claim was made: the article's date (its reference date), else the approval's."""
    return revision.reference_date or approval.created_at.date()


def _claimant(values: Mapping[str, Any]) -> dict[str, Any] | None:
    for key, kind in _CLAIMANT:
        name = values.get(key)
        if isinstance(name, str) and name.strip():
            return {"@type": kind, "name": name.strip()}
    return None
