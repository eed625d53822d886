"""The checker's queue page in a real browser: clearing the example draft, two checkers, live updates, roles."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from factdesk.db import unit_of_work
from factdesk.domain.actors import Actor
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.services.desk_queue import load_claim_desk
from factdesk.services.drafts import list_draft_claims, submit_draft
from factdesk.services.extraction import extract_revision, store_claims
from factdesk.services.revisions import Submission
from factdesk.services.users import add_user, sign_in
from tests.conftest import FIXTURES
from tests.web.conftest import PASSWORD

# The pages' data must be seen by the live server's threads, each on its own connection: commit for real.
pytestmark = pytest.mark.committed


def author(sessions, name: str = "rita") -> Actor:  # type: ignore[no-untyped-def]
    return add_user(sessions, name, "reporter", "politics")


def lecun_draft(sessions, reporter: Actor, *, body: str | None = None, external_id: str = "lecun") -> int:  # type: ignore[no-untyped-def]
    """The example draft, submitted and extracted as the worker would (no worker needed); returns its id."""
    body = body or (FIXTURES / "lecun-meta-draft.txt").read_text(encoding="utf-8")
    submitted = submit_draft(sessions, reporter, Submission(
        body=body, title="LeCun leaves Meta", desk="politics", external_id=external_id,
        deadline=datetime.now(UTC) + timedelta(hours=3)))
    assert submitted.draft.current_revision is not None
    assert extract_revision(sessions, submitted.draft.current_revision.id) == "stored"
    return submitted.draft.id


def draft_with_claims(sessions, reporter: Actor, body: str, spans: list[tuple[int, int]], *,  # type: ignore[no-untyped-def]
                      claim_type: str = "fact", external_id: str | None = None) -> tuple[int, list[int]]:
    """A draft whose claims are the given spans of its text (no NLP); returns its id and the claims' ids."""
    submitted = submit_draft(sessions, reporter, Submission(body=body, desk="politics", external_id=external_id,
                                                            title="Hand-made draft"))
    revision = submitted.draft.current_revision
    assert revision is not None
    text = revision.text
    found = [FoundClaim(type=claim_type, spans=((s, e),), text=text[s:e], sentence=text, normalized={"n": i},
                        score=0.5, reasons=("test",), fingerprint=f"fp-{i}-{s}-{e}")
             for i, (s, e) in enumerate(spans)]
    with unit_of_work(sessions) as s:
        assert store_claims(s, revision.id, Extraction(text=text, claims=found)) == "stored"
    claims = list_draft_claims(sessions, submitted.draft.id).items
    return submitted.draft.id, [c.id for c in sorted(claims, key=lambda c: c.start)]


def claim_id_of(page) -> int:  # type: ignore[no-untyped-def]
    found = re.search(r"/desk/claims/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def test_a_checker_clears_the_example_draft_from_the_queue(sessions, signed_in, desk_user):
    draft_id = lecun_draft(sessions, author(sessions))
    claims = list_draft_claims(sessions, draft_id).items
    assert len(claims) > 10
    desk_user("cara", "checker", "politics")
    page = signed_in("cara")
    assert page.url.endswith("/desk/queue")
    page.screenshot(path="/tmp/desk_queue.png", full_page=True)
    counts = page.locator("table.counts")
    assert counts.locator("tfoot td").inner_text() == str(len(claims))
    assert counts.get_by_role("row", name=re.compile(r"politics money 1")).count() == 1
    rows = page.locator("table.queue-table tbody tr")
    assert rows.count() == len(claims)
    first_listed = int(rows.first.get_attribute("data-claim-id"))

    page.get_by_role("button", name="Take next claim").click()
    page.wait_for_url(re.compile(r"/desk/claims/\d+"))
    assert claim_id_of(page) == first_listed  # the page's order is the lease's
    taken: list[int] = []
    for n in range(len(claims)):
        taken.append(claim_id_of(page))
        assert page.locator("mark.focus").count() >= 1
        if n == 0:
            page.screenshot(path="/tmp/desk_claim.png", full_page=True)
        if n % 2 == 0:
            page.get_by_label("Rating").select_option("accurate")
            page.get_by_label("Source URL").first.fill(f"https://example.org/record/{n}")
            page.get_by_label("Source title").first.fill("The record")
        else:
            page.get_by_label("Rating").select_option("not_checkable")
        page.get_by_label("Note").fill(f"checked {n}")
        page.get_by_role("button", name="Record verdict").click()
        page.wait_for_url(re.compile(r"recorded=1"))
        next_claim = page.get_by_role("button", name="Next claim")
        assert next_claim.is_visible()
        if n % 3 == 0:
            page.keyboard.press("n")  # the key does what the button does (focus is on it: autofocus)
        else:
            next_claim.click()
        page.wait_for_load_state()
        if n < len(claims) - 1:
            page.wait_for_url(re.compile(r"/desk/claims/\d+$"))
    page.wait_for_url(re.compile(r"/desk/queue"))
    assert page.get_by_role("status").filter(has_text="Nothing is left in the queue for you.").is_visible()
    assert page.get_by_text("Nothing is left in the queue for you.").count() >= 1
    assert sorted(taken) == sorted(c.id for c in claims)
    after = list_draft_claims(sessions, draft_id).items
    assert all(c.status == "verdict" and c.verdict is not None for c in after)
    assert {c.verdict.note for c in after if c.verdict} == {f"checked {n}" for n in range(len(claims))}


def test_two_checkers_in_two_browsers_never_get_the_same_claim(sessions, signed_in, desk_user):
    body = " ".join(f"Fact number {i} is true." for i in range(8))
    _, ids = draft_with_claims(sessions, author(sessions), body, [(i * 22, i * 22 + 20) for i in range(8)])
    desk_user("cara", "checker", "politics")
    desk_user("carl", "checker")
    pages = [signed_in("cara"), signed_in("carl")]
    got: list[list[int]] = [[], []]
    for _ in range(5):
        for page in pages:
            page.goto("/desk/queue")
        # Both forms sent at once, neither waiting for the other's answer.
        with pages[0].expect_navigation(), pages[1].expect_navigation():
            for page in pages:
                page.get_by_role("button", name="Take next claim").click(no_wait_after=True)
        for i, page in enumerate(pages):
            if "/desk/claims/" in page.url:
                got[i].append(claim_id_of(page))
            else:
                assert page.get_by_text("Nothing is left in the queue for you.").count() >= 1
    assert not set(got[0]) & set(got[1])
    assert sorted(got[0] + got[1]) == sorted(ids)
    # Each sees their own leases, with the time left and links.
    pages[0].goto("/desk/queue")
    leases = pages[0].get_by_role("region", name="Your leases")
    assert leases.get_by_role("link").count() == len(got[0])
    assert re.search(r"\d+:\d\d left", leases.inner_text())


def test_a_claim_leased_by_another_checker_leaves_the_queue_page_within_5_seconds(sessions, signed_in, desk_user):
    body = " ".join(f"Fact number {i} is true." for i in range(3))
    draft_with_claims(sessions, author(sessions), body, [(i * 22, i * 22 + 20) for i in range(3)])
    desk_user("cara", "checker", "politics")
    desk_user("carl", "checker", "politics")
    watcher, taker = signed_in("cara"), signed_in("carl")
    assert watcher.locator("table.queue-table tbody tr").count() == 3
    watcher.evaluate("window.notReloaded = true")
    taker.get_by_role("button", name="Take next claim").click()
    taken = claim_id_of(taker)
    gone = watcher.locator(f'tr[data-claim-id="{taken}"]')
    gone.wait_for(state="detached", timeout=5000)
    assert watcher.locator("table.queue-table tbody tr").count() == 2
    assert watcher.evaluate("window.notReloaded") is True  # followed without a reload


def test_the_queue_filters_by_type_and_counts_everything(sessions, signed_in, desk_user):
    lecun_draft(sessions, author(sessions))
    desk_user("cara", "checker")
    page = signed_in("cara")
    page.get_by_label("Type", exact=True).select_option("quote")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"type=quote"))
    rows = page.locator("table.queue-table tbody tr")
    assert rows.count() >= 2
    assert set(rows.locator(".type-badge").all_inner_texts()) == {"quote"}
    page.get_by_role("button", name="Take next claim").click()
    page.wait_for_url(re.compile(r"/desk/claims/\d+"))
    assert page.locator("h1 .type-badge").inner_text() == "quote"  # the filter applies to "Take next claim"


def test_what_a_reporter_may_not_do_is_hidden_and_refused(sessions, signed_in, desk_user, live_server):
    rita = author(sessions)
    _, ids = draft_with_claims(sessions, rita, "Fact number 0 is true.", [(0, 20)])
    desk_user("ray", "reporter")
    page = signed_in("ray")
    answer = page.goto("/desk/queue")
    assert answer is not None and answer.status == 403
    assert "may not check claims" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("button", name="Take next claim").count() == 0
    page.goto(f"/desk/claims/{ids[0]}")
    assert page.get_by_role("button", name="Record verdict").count() == 0
    assert page.get_by_role("button", name="Renew").count() == 0
    # Posting anyway (with a valid token) is refused by the service and shown, never a 500.
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    refused = page.request.post(f"{live_server}/desk/claims/{ids[0]}/verdict",
                                form={"csrf_token": token, "rating": "not_checkable", "note": "x"})
    assert refused.status == 403 and "may not check claims" in refused.text()
    took = page.request.post(f"{live_server}/desk/queue/next", form={"csrf_token": token})
    assert took.status == 403 and "may not check claims" in took.text()
    assert load_claim_desk(sessions, rita, ids[0]).history == []


def test_the_queue_page_leaves_out_drafts_the_editor_wrote_a_revision_of(sessions, signed_in, desk_user):
    rita = author(sessions)
    _, others = draft_with_claims(sessions, rita, "Fact number 0 is true. Fact number 1 is true.",
                                  [(0, 20), (22, 42)], external_id="other")
    draft_with_claims(sessions, rita, "Rita wrote 40 people.", [(0, 20)], external_id="revised")
    eddy = sign_in(sessions, desk_user("eddy", "editor", "politics"), PASSWORD)
    # An editor of the desk posts a revision of the reporter's draft: they are one of its authors now.
    _, mine = draft_with_claims(sessions, eddy, "Eddy edited: 41 people.", [(0, 22)], external_id="revised")
    desk_user("edna", "editor", "politics")

    page = signed_in("eddy")
    page.goto("/desk/queue")
    rows = page.locator("table.queue-table tbody tr")
    assert sorted(int(r.get_attribute("data-claim-id")) for r in rows.all()) == sorted(others)
    assert page.locator("table.counts tfoot td").inner_text() == "2"
    # Another editor of the desk sees the revised draft's claim too.
    colleague = signed_in("edna")
    colleague.goto("/desk/queue")
    listed = colleague.locator("table.queue-table tbody tr")
    assert sorted(int(r.get_attribute("data-claim-id")) for r in listed.all()) == sorted(others + mine)
    for _ in others:
        page.goto("/desk/queue")
        page.get_by_role("button", name="Take next claim").click()
        page.wait_for_url(re.compile(r"/desk/claims/\d+"))
        assert claim_id_of(page) in others
    page.goto("/desk/queue")
    page.get_by_role("button", name="Take next claim").click()
    page.wait_for_url(re.compile(r"/desk/queue"))
    assert page.get_by_text("Nothing is left in the queue for you.").count() >= 1
