"""The fact memory over HTTP: a second draft with claims checked before shows their verdicts as matches, a checker
reuses one under the usual rules, a stale one cannot be reused, and a desk-bound checker sees only their desk's."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, text, update

from factdesk.api import create_app
from factdesk.cli import main
from factdesk.db import unit_of_work
from factdesk.domain.memory import similarity
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.extraction.fingerprint import fingerprint
from factdesk.models import AuditEvent, CheckedName, Claim, ClaimMatch, OutboxJob, Verdict, utcnow
from factdesk.services.drafts import Submission, get_draft, submit_draft
from factdesk.services.extraction import store_claims
from factdesk.services.memory_rebuild import rebuild_batch, recheck_batch
from factdesk.services.near_matches import NEAR_TASK, search_revision

from .conftest import verdict_body

WANG = {"person": "Alexandr Wang", "role": "co-founder", "org": "Scale AI", "former": False}
# (type, values, the claim's words, its sentence): the first draft's wording...
WANG_1 = ("role", WANG, "Alexandr Wang, co-founder of Scale AI", "Alexandr Wang, co-founder of Scale AI, joins Meta.")
MONEY_1 = ("money", {"amount": 14_000_000_000, "currency": "USD", "scale": "billion"}, "$14 billion",
           "Meta made a $14 billion investment in Scale AI.")
# ...and the second's: the same claims in other words, and a changed figure.
WANG_2 = ("role", WANG, "Scale AI co-founder Alexandr Wang", "Meta hired Scale AI co-founder Alexandr Wang in June.")
MONEY_2 = ("money", {"amount": 14e9, "currency": "USD", "scale": "bn"}, "$14bn",
           "Scale AI got a $14bn investment from Meta.")
MONEY_CHANGED = ("money", {"amount": 15e9, "currency": "USD", "scale": "billion"}, "$15 billion",
                 "Meta once put $15 billion into Scale AI.")

Found = tuple[str, dict[str, Any], str, str]


def store(sessions, author, name: str, found: list[Found], desk: str | None = "politics", *,  # type: ignore[no-untyped-def]
          near: bool = True) -> tuple[int, list[int]]:
    """A draft whose text is the claims' sentences, with those claims stored as a worker stores them, and unless
    `near` is False, the near search it queues run as a worker runs it."""
    body = " ".join(sentence for *_, sentence in found)
    draft_id = submit_draft(sessions, author, Submission(body=body, desk=desk, external_id=name)).draft.id
    revision = get_draft(sessions, draft_id).current_revision
    assert revision is not None
    claims, at = [], 0
    for type_, values, words, sentence in found:
        start = revision.text.index(words, revision.text.index(sentence, at))
        at = start + len(words)
        claims.append(FoundClaim(type=type_, spans=((start, at),), text=words, sentence=sentence, normalized=values,
                                 score=0.5, reasons=("test",), fingerprint=fingerprint(type_, values, words)))
    with unit_of_work(sessions) as s:
        assert store_claims(s, revision.id, Extraction(text=revision.text, claims=claims)) == "stored"
        ids = list(s.scalars(select(Claim.id).where(Claim.revision_id == revision.id).order_by(Claim.start)))
    if near:
        run_near_jobs(sessions)
    return draft_id, ids


def run_near_jobs(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    """Run the pending near-search jobs, as a worker does once they are sent."""
    with unit_of_work(sessions) as s:
        revisions = [job.args[0] for job in s.scalars(select(OutboxJob).where(
            OutboxJob.task == NEAR_TASK, OutboxJob.status == "pending").order_by(OutboxJob.id))]
    return [search_revision(sessions, revision_id) for revision_id in revisions]


def rate(client, headers, claim_id: int, rating: str = "accurate", **extra: object) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.post(f"/api/v1/claims/{claim_id}/verdicts", json=verdict_body(rating, **extra), headers=headers)
    assert r.status_code == 201, r.json
    return r.json


def claims_of(client, headers, draft_id: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/v1/drafts/{draft_id}/claims", headers=headers)
    assert r.status_code == 200, r.json
    return r.json["items"]


def lease(client, headers, draft_id: int, type_: str) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/queue/lease", json={"draft": draft_id, "type": type_}, headers=headers)
    assert r.status_code == 200, r.json
    return int(r.json["id"])


def checked(client, desk, sessions):  # type: ignore[no-untyped-def]
    """The first draft, its Wang and money claims rated accurate by the editor; the second, not yet checked."""
    first, (wang_1, money_1) = store(sessions, desk.rita, "first", [WANG_1, MONEY_1])
    wang_v = rate(client, desk.eddy_h, wang_1, note="Scale AI's site names him co-founder")
    money_v = rate(client, desk.eddy_h, money_1)
    second, ids = store(sessions, desk.rita, "second", [WANG_2, MONEY_2, MONEY_CHANGED])
    return first, (wang_1, money_1), (wang_v, money_v), second, ids


def test_a_second_draft_shows_the_first_drafts_verdicts_on_the_same_claims(client, desk, sessions) -> None:
    first, (wang_1, money_1), (wang_v, money_v), second, (wang_2, money_2, changed) = checked(client, desk, sessions)
    by_id = {c["id"]: c for c in claims_of(client, desk.cara_h, second)}
    [match] = by_id[wang_2]["matches"]
    assert {k: match[k] for k in ("kind", "similarity", "claim_id", "draft_id", "verdict_id", "rating", "note",
                                  "checker", "stale", "reusable")} == {
        "kind": "exact", "similarity": 1.0, "claim_id": wang_1, "draft_id": first, "verdict_id": wang_v["id"],
        "rating": "accurate", "note": "Scale AI's site names him co-founder", "checker": "eddy", "stale": False,
        "reusable": True}
    assert match["sources"][0]["url"] == "https://example.org/record" and match["date"] == wang_v["created_at"]
    assert match["claim_text"] == WANG_1[2] and match["fresh_until"]  # a role goes stale (180 days)
    assert [m["verdict_id"] for m in by_id[money_2]["matches"]] == [money_v["id"]]
    assert by_id[changed]["matches"] == []  # a changed figure is another claim
    # The first draft's claims were stored before any verdict: nothing to match.
    assert all(c["matches"] == [] for c in claims_of(client, desk.cara_h, first))

    one = client.get(f"/api/v1/claims/{wang_2}", headers=desk.cara_h)
    assert one.status_code == 200
    assert one.json["matches"] == by_id[wang_2]["matches"] and one.json["history"] == []
    assert one.json["draft"]["id"] == second and "Alexandr Wang" in one.json["context"]
    assert client.get("/api/v1/claims/424242", headers=desk.cara_h).status_code == 404


def test_a_reuse_records_the_matched_verdict_under_the_usual_rules_and_is_audited(client, desk, sessions) -> None:
    _, (wang_1, _), (wang_v, money_v), second, (wang_2, money_2, changed) = checked(client, desk, sessions)
    reuse = {"reuse_of": wang_v["id"]}
    # No lease, the author, another claim's match, another rating: refused, nothing stored.
    assert client.post(f"/api/v1/claims/{wang_2}/verdicts", json=reuse, headers=desk.cara_h).status_code == 409
    assert client.post(f"/api/v1/claims/{wang_2}/verdicts", json=reuse, headers=desk.rita_h).status_code == 403
    held = lease(client, desk.cara_h, second, "role")
    assert held == wang_2
    other = client.post(f"/api/v1/claims/{wang_2}/verdicts", json={"reuse_of": money_v["id"]}, headers=desk.cara_h)
    assert other.status_code == 422 and "reuse_of" in other.json["errors"]
    rerated = client.post(f"/api/v1/claims/{wang_2}/verdicts", json={**reuse, "rating": "inaccurate"},
                          headers=desk.cara_h)
    assert rerated.status_code == 422 and "rating" in rerated.json["errors"]
    with unit_of_work(sessions) as s:
        assert s.scalar(select(Verdict).where(Verdict.claim_id == wang_2)) is None

    r = client.post(f"/api/v1/claims/{wang_2}/verdicts", json={**reuse, "publish": True}, headers=desk.cara_h)
    assert r.status_code == 201, r.json
    assert {k: r.json[k] for k in ("rating", "checker", "reuse_of", "publish", "note", "claim_status")} == {
        "rating": "accurate", "checker": "cara", "reuse_of": wang_v["id"], "publish": True,
        "note": "Scale AI's site names him co-founder", "claim_status": "verdict"}
    assert r.json["sources"] == wang_v["sources"]
    with unit_of_work(sessions) as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.claim_id == wang_2,
                                                  AuditEvent.action == "verdict.reused"))
        assert event is not None and event.after["reuse_of"] == wang_v["id"]
        assert event.after["reused_claim_id"] == wang_1 and event.after["verdict_id"] == r.json["id"]
    # The draft's list shows the reused verdict as the claim's.
    by_id = {c["id"]: c for c in claims_of(client, desk.cara_h, second)}
    assert by_id[wang_2]["verdict"]["reuse_of"] == wang_v["id"]


def test_a_stale_match_is_shown_and_cannot_be_reused(client, desk, sessions, runtime_with) -> None:
    _, _, (wang_v, _), second, (wang_2, *_) = checked(client, desk, sessions)
    with unit_of_work(sessions) as s:  # checked 200 days ago: a role's shelf life is 180
        s.execute(update(Verdict).where(Verdict.id == wang_v["id"])
                  .values(created_at=utcnow() - timedelta(days=200)))
    [match] = {c["id"]: c for c in claims_of(client, desk.cara_h, second)}[wang_2]["matches"]
    assert match["stale"] is True and match["reusable"] is False
    lease(client, desk.cara_h, second, "role")
    r = client.post(f"/api/v1/claims/{wang_2}/verdicts", json={"reuse_of": wang_v["id"]}, headers=desk.cara_h)
    assert r.status_code == 409 and r.json["errors"]["reason"] == "stale_match"
    assert "stale" in r.json["message"]
    with unit_of_work(sessions) as s:
        assert s.scalar(select(Verdict).where(Verdict.claim_id == wang_2)) is None
    # FACTDESK_SHELF_LIFE_DAYS=role=365: the same verdict is fresh again, and may be reused.
    longer = create_app(runtime=runtime_with(shelf_life_days=(("role", 365),))).test_client()
    [match] = {c["id"]: c for c in claims_of(longer, desk.cara_h, second)}[wang_2]["matches"]
    assert match["stale"] is False
    assert longer.post(f"/api/v1/claims/{wang_2}/verdicts", json={"reuse_of": wang_v["id"]},
                       headers=desk.cara_h).status_code == 201


def test_a_match_whose_verdict_was_superseded_shows_the_latest(client, desk, sessions) -> None:
    _, (wang_1, _), (wang_v, _), second, (wang_2, *_) = checked(client, desk, sessions)
    latest = rate(client, desk.eddy_h, wang_1, "inaccurate")
    [match] = {c["id"]: c for c in claims_of(client, desk.cara_h, second)}[wang_2]["matches"]
    assert (match["verdict_id"], match["rating"]) == (latest["id"], "inaccurate")
    lease(client, desk.cara_h, second, "role")
    r = client.post(f"/api/v1/claims/{wang_2}/verdicts", json={"reuse_of": wang_v["id"]}, headers=desk.cara_h)
    assert r.status_code == 409 and r.json["errors"]["reason"] == "superseded_match"
    assert r.json["errors"]["latest"] == latest["id"]


def test_matches_from_another_desk_are_hidden_from_a_desk_bound_checker(client, desk, sessions) -> None:
    _, (sport_wang,) = store(sessions, desk.rita, "sport", [WANG_1], desk="sport")
    # The politics editor may not rate a sport claim; a checker of every desk does.
    lease(client, desk.cara_h, _draft_of(sessions, sport_wang), "role")
    verdict = rate(client, desk.cara_h, sport_wang)
    second, (wang_2,) = store(sessions, desk.rita, "politics", [WANG_2])
    assert [m["verdict_id"] for m in claims_of(client, desk.cara_h, second)[0]["matches"]] == [verdict["id"]]
    assert claims_of(client, desk.carl_h, second)[0]["matches"] == []  # carl checks politics only
    assert client.get(f"/api/v1/claims/{wang_2}", headers=desk.carl_h).json["matches"] == []
    lease(client, desk.carl_h, second, "role")
    r = client.post(f"/api/v1/claims/{wang_2}/verdicts", json={"reuse_of": verdict["id"]}, headers=desk.carl_h)
    assert r.status_code == 422


def test_an_earlier_revision_matches_unless_the_claim_carried_its_verdict_over(client, desk, sessions) -> None:
    draft, (wang_1, money_1) = store(sessions, desk.rita, "story", [WANG_1, MONEY_1])
    wang_v = rate(client, desk.eddy_h, wang_1)
    rate(client, desk.eddy_h, money_1)
    # Revision 2: the Wang claim reworded (a changed claim, reopened), the money claim as it was (carried over).
    _, (money_2, wang_2) = store(sessions, desk.rita, "story", [MONEY_1, WANG_2])
    by_id = {c["id"]: c for c in claims_of(client, desk.cara_h, draft)}
    assert by_id[money_2]["verdict"]["carried_over"] is True and by_id[money_2]["matches"] == []
    assert by_id[wang_2]["status"] == "open"
    assert [(m["claim_id"], m["verdict_id"]) for m in by_id[wang_2]["matches"]] == [(wang_1, wang_v["id"])]


def _draft_of(sessions, claim_id: int) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return int(s.scalar(select(Claim.draft_id).where(Claim.id == claim_id)))


def test_the_queue_lists_the_claims_with_a_fresh_exact_match_and_counts_matches(client, desk, sessions) -> None:
    _, _, (wang_v, _), second, (wang_2, money_2, changed) = checked(client, desk, sessions)

    def queue(headers, **query: str) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
        r = client.get("/api/v1/queue", query_string=query, headers=headers)
        assert r.status_code == 200, r.json
        return sorted((i["id"], i["match_count"]) for i in r.json["items"])

    assert queue(desk.cara_h) == [(wang_2, 1), (money_2, 1), (changed, 0)]
    assert queue(desk.cara_h, match="exact") == [(wang_2, 1), (money_2, 1)]
    with unit_of_work(sessions) as s:  # the Wang check goes stale: still counted, no longer offered
        s.execute(update(Verdict).where(Verdict.id == wang_v["id"])
                  .values(created_at=utcnow() - timedelta(days=200)))
    assert queue(desk.cara_h, match="exact") == [(money_2, 1)]
    assert queue(desk.cara_h, match="exact", type="role") == []
    assert client.get("/api/v1/queue?match=near", headers=desk.cara_h).status_code == 422


def test_the_queue_counts_only_the_matches_a_desk_bound_checker_may_see(client, desk, sessions) -> None:
    _, (sport_wang,) = store(sessions, desk.rita, "sport", [WANG_1], desk="sport")
    lease(client, desk.cara_h, _draft_of(sessions, sport_wang), "role")
    rate(client, desk.cara_h, sport_wang)
    _, (wang_2,) = store(sessions, desk.rita, "politics", [WANG_2])
    anywhere = client.get("/api/v1/queue?match=exact", headers=desk.cara_h).json["items"]
    assert [(i["id"], i["match_count"]) for i in anywhere] == [(wang_2, 1)]
    assert client.get("/api/v1/queue?match=exact", headers=desk.carl_h).json["items"] == []
    assert [i["match_count"] for i in client.get("/api/v1/queue", headers=desk.carl_h).json["items"]] == [0]


def _wipe_memory(sessions) -> None:  # type: ignore[no-untyped-def]
    """As a database upgraded from before the memory: no keys, no matches, no checked claims by name."""
    with unit_of_work(sessions) as s:
        s.execute(delete(ClaimMatch))
        s.execute(delete(CheckedName))
        s.execute(update(Claim).values(match_key=None))


def _matches(sessions) -> set[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return set(s.execute(select(ClaimMatch.claim_id, ClaimMatch.earlier_claim_id, ClaimMatch.verdict_id)).all())


def test_a_rebuild_in_batches_finds_the_matches_again_and_is_safe_to_repeat(client, desk, sessions) -> None:
    checked(client, desk, sessions)
    stored = _matches(sessions)
    assert len(stored) == 2
    _wipe_memory(sessions)
    for _ in range(2):
        after, batches = 0, 0
        while (done := rebuild_batch(sessions, after, 2)) is not None:
            after, batches = done.last_id, batches + 1
        assert batches == 3 and _matches(sessions) == stored  # five claims, two at a time


@pytest.mark.committed
def test_factdesk_memory_rebuild_shows_progress_and_resumes_from_its_checkpoint(
        client, desk, sessions, test_env, monkeypatch) -> None:
    checked(client, desk, sessions)
    stored = _matches(sessions)
    _wipe_memory(sessions)
    for name, value in test_env.items():
        monkeypatch.setenv(name, value)
    checkpoint = Path(test_env["FACTDESK_DATA_DIR"]) / "memory-rebuild.checkpoint"
    first = rebuild_batch(sessions, 0, 2)  # a run interrupted after its first batch (the first draft's claims)
    assert first is not None
    checkpoint.write_text(str(first.last_id))
    run = CliRunner().invoke(main, ["memory", "rebuild", "--batch", "2"])
    assert run.exit_code == 0, run.output
    assert "resuming after claim" in run.output and "3 claims matched again: 2 exact matches" in run.output
    assert _matches(sessions) == stored and not checkpoint.exists()
    again = CliRunner().invoke(main, ["memory", "rebuild"])
    assert again.exit_code == 0 and "5 claims matched again: 2 exact matches, 0 near matches; 0 exact" in again.output


LECUN = ["Meta", "Yann LeCun"]
LEFT = "Yann LeCun left Meta in November after twelve years at the company."
QUIT = "In November, Yann LeCun quit Meta after twelve years at the company."
PRAISED = "Yann LeCun praised Meta for its open research culture."


def test_a_reworded_claim_is_a_near_match_and_a_contradicting_one_none(client, desk, sessions) -> None:
    first, (left,) = store(sessions, desk.rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT)])
    verdict = rate(client, desk.eddy_h, left)
    second, (quit_, praised) = store(sessions, desk.rita, "second", [("fact", {"entities": LECUN}, QUIT, QUIT),
                                                                    ("fact", {"entities": LECUN}, PRAISED, PRAISED)])
    by_id = {c["id"]: c for c in claims_of(client, desk.cara_h, second)}
    [match] = by_id[quit_]["matches"]
    assert (match["kind"], match["claim_id"], match["verdict_id"], match["draft_id"]) == (
        "near", left, verdict["id"], first)
    assert 0.5 <= match["similarity"] < 1 and match["reusable"] is True
    assert by_id[praised]["matches"] == []  # the same people, another claim
    lease(client, desk.cara_h, second, "fact")  # the most urgent: the first in the text
    r = client.post(f"/api/v1/claims/{quit_}/verdicts", json={"reuse_of": verdict["id"]}, headers=desk.cara_h)
    assert r.status_code == 201 and r.json["reuse_of"] == verdict["id"]


SAID = "Mark Zuckerberg said Meta would hire more researchers in Paris."
SAID_AGAIN = "Meta would hire more researchers in Paris, Mark Zuckerberg said."
SPEAKER = {"source": "Mark Zuckerberg"}
SPEAKER_SAID = {**SPEAKER, "content": "Meta would hire more researchers in Paris"}  # a key of its own


def test_each_claim_of_a_revision_gets_its_own_near_matches(client, desk, sessions) -> None:
    """A revision's claims are looked up together: each gets the earlier claims of its own type like its own
    words, not those of the revision's other claims."""
    first, (left, said) = store(sessions, desk.rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT),
                                                               ("attribution", SPEAKER_SAID, SAID, SAID)])
    left_verdict, said_verdict = rate(client, desk.eddy_h, left), rate(client, desk.eddy_h, said)
    second, (quit_, said_again, as_fact) = store(sessions, desk.rita, "second", [
        ("fact", {"entities": LECUN}, QUIT, QUIT), ("attribution", SPEAKER, SAID_AGAIN, SAID_AGAIN),
        ("fact", {}, SAID_AGAIN + " Again.", SAID_AGAIN + " Again.")])
    by_id = {c["id"]: c for c in claims_of(client, desk.cara_h, second)}
    assert [(m["kind"], m["claim_id"], m["verdict_id"]) for m in by_id[quit_]["matches"]] == [
        ("near", left, left_verdict["id"])]
    assert [(m["kind"], m["claim_id"], m["verdict_id"]) for m in by_id[said_again]["matches"]] == [
        ("near", said, said_verdict["id"])]
    assert by_id[as_fact]["matches"] == []  # like the attribution's words, but a fact


def test_a_near_match_is_found_past_many_unchecked_claims_of_the_same_names(client, desk, sessions) -> None:
    """Near matches are looked for among checked claims only: a story's unchecked drafts and autosaves, however
    many name the same people, do not push an older check out of reach."""
    _, (left,) = store(sessions, desk.rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT)])
    verdict = rate(client, desk.eddy_h, left)
    for n in range(60):  # more than any window of newest claims
        other = f"Yann LeCun told Meta staff about plan number {n} for the lab."
        store(sessions, desk.rita, f"unchecked-{n}", [("fact", {"entities": LECUN}, other, other)])
    second, (quit_,) = store(sessions, desk.rita, "second", [("fact", {"entities": LECUN}, QUIT, QUIT)])
    [match] = claims_of(client, desk.cara_h, second)[0]["matches"]
    assert (match["kind"], match["claim_id"], match["verdict_id"]) == ("near", left, verdict["id"])


def test_near_candidates_sharing_more_names_come_before_newer_ones(client, desk, sessions) -> None:
    """Of a name's many checked claims, those naming more of what the claim names are scored first: an older
    check about the same people and company is found past newer checks about the people alone."""
    _, (left,) = store(sessions, desk.rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT)])
    verdict = rate(client, desk.eddy_h, left)
    for n in range(25):  # more than a claim's candidates, each naming only Yann LeCun
        other = f"Yann LeCun spoke about plan number {n} at the lab."
        _, (checked_,) = store(sessions, desk.rita, f"checked-{n}", [("fact", {}, other, other)])
        rate(client, desk.eddy_h, checked_)
    second, (quit_,) = store(sessions, desk.rita, "second", [("fact", {"entities": LECUN}, QUIT, QUIT)])
    [match] = claims_of(client, desk.cara_h, second)[0]["matches"]
    assert (match["kind"], match["claim_id"], match["verdict_id"]) == ("near", left, verdict["id"])


def test_a_rebuild_enters_checked_claims_by_name_for_near_matches(client, desk, sessions) -> None:
    _, (left,) = store(sessions, desk.rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT)])
    verdict = rate(client, desk.eddy_h, left)
    _wipe_memory(sessions)  # a database upgraded from before migration 0013
    _, (quit_,) = store(sessions, desk.rita, "second", [("fact", {"entities": LECUN}, QUIT, QUIT)])
    assert _matches(sessions) == set()
    after = 0
    while (done := rebuild_batch(sessions, after)) is not None:
        after = done.last_id
    assert _matches(sessions) == {(quit_, left, verdict["id"])}


def _near_rows(sessions, claim_id: int) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return [tuple(r) for r in s.execute(select(ClaimMatch.kind, ClaimMatch.earlier_claim_id)
                                            .where(ClaimMatch.claim_id == claim_id))]  # type: ignore[misc]


def test_near_matches_come_from_a_job_queued_with_the_claims_and_a_second_run_adds_none(
        client, desk, sessions) -> None:
    """The near search runs once the claims are stored, as a job of its own: the claims are listed at once, their
    near matches once the job has run, and a second delivery of the job stores nothing twice."""
    _, (left,) = store(sessions, desk.rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT)])
    rate(client, desk.eddy_h, left)
    second, (quit_,) = store(sessions, desk.rita, "second", [("fact", {"entities": LECUN}, QUIT, QUIT)], near=False)
    assert claims_of(client, desk.cara_h, second)[0]["matches"] == []
    with unit_of_work(sessions) as s:
        [job] = s.scalars(select(OutboxJob).where(OutboxJob.task == NEAR_TASK, OutboxJob.status == "pending"))
        assert job.args == [get_draft(sessions, second).current_revision.id] and job.draft_id == second
    assert run_near_jobs(sessions) == ["matched"]
    assert _near_rows(sessions, quit_) == [("near", left)]
    assert run_near_jobs(sessions) == []  # the job is done
    assert search_revision(sessions, job.args[0]) == "matched"  # delivered a second time all the same
    assert _near_rows(sessions, quit_) == [("near", left)]


def test_a_near_search_for_a_revision_no_longer_current_stores_nothing(client, desk, sessions) -> None:
    _, (left,) = store(sessions, desk.rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT)])
    rate(client, desk.eddy_h, left)
    _, (quit_,) = store(sessions, desk.rita, "second", [("fact", {"entities": LECUN}, QUIT, QUIT)], near=False)
    submit_draft(sessions, desk.rita, Submission(body=QUIT + " Edited.", desk="politics", external_id="second"))
    assert run_near_jobs(sessions) == ["superseded"]
    assert _near_rows(sessions, quit_) == []


def test_a_claim_given_an_exact_match_before_its_near_search_keeps_only_that(client, desk, sessions) -> None:
    """A verdict recorded between a revision's storing and its near search gives a waiting claim an exact match
    (services.memory.match_waiting); the near search then leaves that claim alone."""
    _, (left,) = store(sessions, desk.rita, "first", [("fact", {"entities": LECUN}, LEFT, LEFT)])
    rate(client, desk.eddy_h, left)
    _, (quit_,) = store(sessions, desk.rita, "second", [("fact", {"entities": LECUN}, QUIT, QUIT)], near=False)
    _, (same,) = store(sessions, desk.rita, "third", [("fact", {"entities": LECUN}, QUIT, QUIT)], near=False)
    rate(client, desk.eddy_h, same)
    assert run_near_jobs(sessions) == ["matched", "matched"]
    assert _near_rows(sessions, quit_) == [("exact", same)]
    assert _near_rows(sessions, same) == [("near", left)]


@pytest.mark.parametrize(("a", "b"), [(LEFT, QUIT), (LEFT, PRAISED), ("Scale AI's $14bn", "$14 billion, Scale AI"),
                                      ("Gáspár Maróth said so", "Maróth said so"), ("", "x")])
def test_near_similarity_is_pg_trgms(sessions, a: str, b: str) -> None:
    """The near matcher scores words in Python on both databases; on PostgreSQL, as pg_trgm itself does."""
    with unit_of_work(sessions) as s:
        if s.get_bind().dialect.name != "postgresql":
            pytest.skip("pg_trgm is PostgreSQL's")
        assert s.scalar(text("SELECT similarity(:a, :b)"), {"a": a, "b": b}) == pytest.approx(similarity(a, b))


def test_a_verdict_recorded_later_gives_waiting_claims_one_match_per_draft(client, desk, sessions,
                                                                          monkeypatch) -> None:
    story, (wang_a, wang_b) = store(sessions, desk.rita, "story", [WANG_1, WANG_2])  # one claim, said twice
    _, (older,) = store(sessions, desk.rita, "older", [WANG_2])
    _, (newer,) = store(sessions, desk.rita, "newer", [WANG_2])
    first = rate(client, desk.eddy_h, wang_a)
    # Its own revision's other wording is not an earlier check; the other drafts' waiting claims show it.
    assert _matches(sessions) == {(older, wang_a, first["id"]), (newer, wang_a, first["id"])}
    second = rate(client, desk.eddy_h, wang_b)
    # One match per draft: its newest claim replaces the older one.
    assert _matches(sessions) == {(older, wang_b, second["id"]), (newer, wang_b, second["id"])}
    [match] = client.get(f"/api/v1/claims/{older}", headers=desk.cara_h).json["matches"]
    assert (match["claim_id"], match["draft_id"], match["verdict_id"]) == (wang_b, story, second["id"])

    monkeypatch.setattr("factdesk.services.memory.WAITING_PER_VERDICT", 1)
    _, (checked_first,) = store(sessions, desk.rita, "elsewhere", [WANG_1])
    with unit_of_work(sessions) as s:
        s.execute(delete(ClaimMatch))
    verdict = rate(client, desk.eddy_h, checked_first)
    assert _matches(sessions) == {(newer, checked_first, verdict["id"])}  # the newest waiting claim only


def _shown_to(sessions, claim_id: int) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as s:
        return set(s.execute(select(ClaimMatch.earlier_claim_id, ClaimMatch.verdict_id)
                             .where(ClaimMatch.claim_id == claim_id)).all())  # type: ignore[arg-type]


def test_a_rebuild_gives_a_waiting_claim_the_checks_recorded_after_it(client, desk, sessions) -> None:
    """A claim still waiting shows the checks of the same claim recorded later in other drafts (match_waiting);
    a rebuild gives it them again, not only the checks of claims stored before it."""
    _, (waiting,) = store(sessions, desk.rita, "waiting", [WANG_2])
    _, (first,) = store(sessions, desk.rita, "first", [WANG_1])
    _, (second,) = store(sessions, desk.rita, "second", [WANG_2])
    second_v = rate(client, desk.eddy_h, second)
    first_v = rate(client, desk.eddy_h, first)
    live = _shown_to(sessions, waiting)
    assert live == {(first, first_v["id"]), (second, second_v["id"])}
    _wipe_memory(sessions)
    after = 0
    while (done := rebuild_batch(sessions, after, 1)) is not None:
        after = done.last_id
    assert _shown_to(sessions, waiting) == set()  # the first pass: only claims stored before it
    after, given = 0, 0
    while (done := recheck_batch(sessions, after, 1)) is not None:
        after, given = done.last_id, given + done.exact
    assert _shown_to(sessions, waiting) == live and given == 2
    assert recheck_batch(sessions, 0) is not None and _shown_to(sessions, waiting) == live  # safe to repeat

