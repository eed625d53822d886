"""The editors' and reporters' pages in a real browser: the drafts list, a draft's page, approval and its gate."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from factdesk.db import unit_of_work
from factdesk.domain.actors import Actor
from factdesk.extraction import Claim as FoundClaim
from factdesk.extraction import Extraction
from factdesk.services.approvals import check_gate
from factdesk.services.desk_drafts import get_draft_desk, list_desk_drafts
from factdesk.services.drafts import Submission, get_draft, list_draft_claims, submit_draft
from factdesk.services.extraction import store_claims
from factdesk.services.queue import QueueFilter, lease_next_claim
from factdesk.services.users import sign_in
from factdesk.services.verdicts import VerdictInput, record_verdict
from tests.web.conftest import PASSWORD

# The server's threads and the test each need their own connection, and a page polls while the test acts.
pytestmark = pytest.mark.committed

BODY = ("Meta hired 1,200 engineers in Paris in 2024. The company spent $3 billion on the lab. "
        "Its chief scientist said the models would reason by 2026.")
PHRASES = ["hired 1,200 engineers", "spent $3 billion", "reason by 2026"]
SOURCE = [{"url": "https://example.org/record", "title": "The record"}]
HOSTILE = ('<p>Budget rose 4% this year.</p><script>window.pwned=1</script>'
           '<img src=x onerror="window.pwned=1"><a href="javascript:window.pwned=1">x</a>')


@dataclass
class Made:
    id: int
    claim_ids: list[int]


def make_draft(sessions, author: Actor, body: str = BODY, phrases: list[str] = PHRASES, *,  # type: ignore[no-untyped-def]
               fmt: str = "text", title: str = "Meta's Paris lab", external_id: str | None = None) -> Made:
    """A draft submitted by `author` whose claims (one per phrase) are stored as a worker would store them."""
    draft = submit_draft(sessions, author, Submission(body=body, format=fmt, title=title, desk="politics",
                                                      external_id=external_id)).draft
    revision = draft.current_revision
    assert revision is not None
    found = []
    for i, phrase in enumerate(phrases):
        at = revision.text.index(phrase)
        found.append(FoundClaim(type="fact", spans=((at, at + len(phrase)),), text=phrase, sentence=revision.text,
                                normalized={"i": i}, score=0.5, reasons=("test",), fingerprint=f"fp-{i}-{phrase}"))
    with unit_of_work(sessions) as session:
        assert store_claims(session, revision.id, Extraction(text=revision.text, claims=found)) == "stored"
    return Made(draft.id, [c.id for c in list_draft_claims(sessions, draft.id).items])


def rate(sessions, checker: Actor, draft_id: int, ratings: dict[int, str]) -> None:  # type: ignore[no-untyped-def]
    """The checker leases each of the draft's claims in turn and records the rating given for it."""
    for _ in ratings:
        claim = lease_next_claim(sessions, checker, lease_seconds=600, cap=10, filters=QueueFilter(draft_id=draft_id))
        assert claim is not None
        rating = ratings[claim.id]
        record_verdict(sessions, checker, claim.id, VerdictInput(
            rating=rating, note="checked against the record", sources=SOURCE if rating == "accurate" else []))


@pytest.fixture
def newsroom(sessions, desk_user):  # type: ignore[no-untyped-def]
    """Rita the reporter (author), Cara the checker, Eddy and Edna the editors: their actors by name."""
    made = {}
    for name, role in (("rita", "reporter"), ("cara", "checker"), ("eddy", "editor"), ("edna", "editor")):
        made[name] = sign_in(sessions, desk_user(name, role, "politics"), PASSWORD)
    return made


def gate_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#gate").inner_text()


def test_the_drafts_list_shows_status_desk_deadline_and_progress(signed_in, sessions, newsroom):
    first = make_draft(sessions, newsroom["rita"], external_id="a")
    make_draft(sessions, newsroom["rita"], "Turnout was 61% in the city.", ["Turnout was 61%"],
               title="Turnout", external_id="b")
    rate(sessions, newsroom["cara"], first.id, dict.fromkeys(first.claim_ids, "accurate"))
    listing = list_desk_drafts(sessions)
    assert [(d.checked, d.claims) for d in listing.items] == [(3, 3), (0, 1)]

    page = signed_in("eddy")
    page.get_by_role("navigation").get_by_role("link", name="Drafts").click()
    row = page.get_by_role("row").filter(has_text="Meta's Paris lab")
    assert "3 of 3 checked" in row.inner_text() and "cleared" in row.inner_text() and "politics" in row.inner_text()
    assert "0 of 1 checked" in page.get_by_role("row").filter(has_text="Turnout").inner_text()
    page.get_by_label("Status").select_option("in_review")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("link", name="Turnout").is_visible()
    assert page.get_by_role("link", name="Meta's Paris lab").count() == 0
    page.get_by_role("link", name="Turnout").click()
    assert page.get_by_role("heading", name="Turnout").is_visible()


def test_an_editor_approves_a_checked_draft_and_the_gate_opens(signed_in, sessions, newsroom):
    from playwright.sync_api import expect

    made = make_draft(sessions, newsroom["rita"])
    rate(sessions, newsroom["cara"], made.id, dict.fromkeys(made.claim_ids, "accurate"))
    page = signed_in("eddy")
    page.goto(f"/desk/drafts/{made.id}")
    assert gate_text(page) == "Not publishable"
    assert page.locator("mark.claim.state-accurate").count() == 3
    assert "3 of 3 claims have a verdict" in page.locator("#draft-status").inner_text()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#gate")).to_have_text("Publishable")
    assert "Approved revision 1" in page.get_by_role("status").first.inner_text()
    assert check_gate(sessions, made.id).publishable
    assert page.locator(".timeline").get_by_text("approved revision 1").is_visible()
    assert "eddy" in page.locator(".timeline li").first.inner_text()


@pytest.mark.parametrize("author", ["rita", "edna"])
def test_the_author_sees_approve_disabled_with_the_reason(signed_in, sessions, newsroom, author):
    made = make_draft(sessions, newsroom[author])
    rate(sessions, newsroom["cara"], made.id, dict.fromkeys(made.claim_ids, "accurate"))
    page = signed_in(author)
    page.goto(f"/desk/drafts/{made.id}")
    approve = page.get_by_role("button", name="Approve")
    assert approve.is_disabled()
    assert "its author may not approve it" in page.locator("#approve-why").inner_text()
    assert not check_gate(sessions, made.id).publishable


def test_an_editor_who_wrote_a_revision_sees_approve_disabled_and_another_editor_approves(
    signed_in, sessions, newsroom
):
    from playwright.sync_api import expect

    first = make_draft(sessions, newsroom["rita"], external_id="lab")
    edited = BODY.replace("1,200", "1,300")
    made = make_draft(sessions, newsroom["eddy"], edited, ["hired 1,300 engineers", *PHRASES[1:]], external_id="lab")
    assert made.id == first.id
    rate(sessions, newsroom["cara"], made.id, dict.fromkeys(made.claim_ids, "accurate"))
    page = signed_in("eddy")
    page.goto(f"/desk/drafts/{made.id}")
    assert page.get_by_role("button", name="Approve").is_disabled()
    assert "You wrote a revision of this draft" in page.locator("#approve-why").inner_text()
    other = signed_in("edna")
    other.goto(f"/desk/drafts/{made.id}")
    other.get_by_role("button", name="Approve").click()
    expect(other.locator("#gate")).to_have_text("Publishable")
    assert "Approved revision 2" in other.get_by_role("status").first.inner_text()


def test_approve_waits_for_every_verdict(signed_in, sessions, newsroom):
    made = make_draft(sessions, newsroom["rita"])
    page = signed_in("eddy")
    page.goto(f"/desk/drafts/{made.id}")
    assert page.get_by_role("button", name="Approve").is_disabled()
    assert "3 claims have no verdict yet" in page.locator("#approve-why").inner_text()
    assert page.locator(".blockers li").count() == 3


def test_a_role_that_never_approves_sees_no_approve_and_is_refused(signed_in, sessions, newsroom):
    made = make_draft(sessions, newsroom["rita"])
    rate(sessions, newsroom["cara"], made.id, dict.fromkeys(made.claim_ids, "accurate"))
    page = signed_in("cara")
    page.goto(f"/desk/drafts/{made.id}")
    assert page.get_by_role("button", name="Approve").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(f"/desk/drafts/{made.id}/approve", form={"csrf_token": token or ""})
    assert answer.status == 403 and "may not approve" in answer.text()
    assert get_draft(sessions, made.id).approval is None


def test_a_blocking_verdict_needs_a_written_override_to_approve(signed_in, sessions, newsroom):
    from playwright.sync_api import expect

    made = make_draft(sessions, newsroom["rita"])
    wrong = made.claim_ids[1]
    rate(sessions, newsroom["cara"], made.id, {cid: "inaccurate" if cid == wrong else "accurate"
                                               for cid in made.claim_ids})
    page = signed_in("eddy")
    page.goto(f"/desk/drafts/{made.id}")
    assert page.locator(f'mark.claim.state-blocking[data-claim-id="{wrong}"]').count() == 1
    assert "spent $3 billion" in page.locator(".blockers").inner_text()
    approve = page.get_by_role("button", name="Approve")
    expect(approve).to_be_disabled()
    assert "written reason" in page.locator("#approve-why").inner_text()
    reason = page.get_by_label(re.compile("Override reason"))
    reason.fill("The figure is the company's own; the text says so.")
    expect(approve).to_be_enabled()
    approve.click()
    expect(page.locator("#gate")).to_have_text("Publishable")
    assert page.locator(f'mark.claim.state-overridden[data-claim-id="{wrong}"]').count() == 1
    timeline = page.locator(".timeline").inner_text()
    assert "overrode the inaccurate verdict" in timeline and "the text says so" in timeline
    gate = check_gate(sessions, made.id)
    assert gate.publishable and gate.blockers == []


def test_a_verdict_recorded_elsewhere_shows_within_five_seconds(signed_in, sessions, newsroom):
    from playwright.sync_api import expect

    made = make_draft(sessions, newsroom["rita"])
    page = signed_in("eddy")
    page.goto(f"/desk/drafts/{made.id}")
    first = made.claim_ids[0]
    mark = page.locator(f'mark.claim[data-claim-id="{first}"]')
    expect(mark).to_have_class(re.compile(r"\bstate-open\b"))
    page.evaluate("window.__stay = 1")  # gone if the page reloads
    claim = lease_next_claim(sessions, newsroom["cara"], lease_seconds=600, cap=10,
                             filters=QueueFilter(draft_id=made.id))
    assert claim is not None and claim.id == first
    expect(mark).to_have_class(re.compile(r"\bstate-leased\b"), timeout=5000)
    record_verdict(sessions, newsroom["cara"], first, VerdictInput(rating="misleading", note="out of context"))
    expect(mark).to_have_class(re.compile(r"\bstate-blocking\b"), timeout=5000)
    expect(page.locator("#draft-status")).to_contain_text("1 of 3 claims have a verdict", timeout=5000)
    assert page.evaluate("window.__stay") == 1


def test_an_unchanged_draft_polls_as_not_modified_and_a_change_is_still_shown(signed_in, sessions, newsroom):
    from playwright.sync_api import expect

    made = make_draft(sessions, newsroom["rita"])
    page = signed_in("eddy")
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/live" in r.url else None)
    page.goto(f"/desk/drafts/{made.id}")
    page.wait_for_timeout(7500)  # two rounds of both live parts: the first answered in full, then 304
    assert 304 in statuses and 500 not in statuses, statuses
    claim = lease_next_claim(sessions, newsroom["cara"], lease_seconds=600, cap=10,
                             filters=QueueFilter(draft_id=made.id))
    assert claim is not None
    record_verdict(sessions, newsroom["cara"], claim.id, VerdictInput(rating="accurate", note="ok", sources=SOURCE))
    expect(page.locator("#draft-status")).to_contain_text("1 of 3 claims have a verdict", timeout=5000)
    mark = page.locator(f'mark.claim[data-claim-id="{claim.id}"]')
    expect(mark).to_have_class(re.compile(r"\bstate-accurate\b"), timeout=5000)


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_a_hostile_draft_renders_as_inert_text(signed_in, sessions, newsroom, fmt):
    made = make_draft(sessions, newsroom["rita"], HOSTILE, ["Budget rose 4%"], fmt=fmt,
                      title='<img src=x onerror="window.pwned=1">')
    page = signed_in("eddy")
    page.goto(f"/desk/drafts/{made.id}")
    article = page.locator(".article")
    assert article.locator("script, img, a[href^='javascript']").count() == 0
    assert page.locator("img, a[href^='javascript']").count() == 0
    if fmt == "text":
        assert "<script>window.pwned=1</script>" in article.inner_text()
        assert 'href="javascript:window.pwned=1"' in article.inner_text()
    assert '<img src=x onerror="window.pwned=1">' in page.get_by_role("heading", level=1).inner_text()
    article.click()
    page.locator("#gate").click()
    page.wait_for_timeout(2500)  # a live refresh has replaced the text once
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.locator("mark.claim").first.click()  # on to the claim page, which shows the text around the claim
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.go_back()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_an_approval_posted_without_its_csrf_token_stores_nothing(signed_in, sessions, newsroom):
    made = make_draft(sessions, newsroom["rita"])
    rate(sessions, newsroom["cara"], made.id, dict.fromkeys(made.claim_ids, "accurate"))
    page = signed_in("eddy")
    page.goto(f"/desk/drafts/{made.id}")
    page.locator("#approve-form input[name=csrf_token]").evaluate("e => e.remove()")
    page.get_by_role("button", name="Approve").click()
    assert "Nothing was saved" in page.get_by_role("alert").inner_text()
    assert get_draft(sessions, made.id).approval is None
    assert not check_gate(sessions, made.id).publishable


def test_a_stale_text_is_not_approved_and_the_editor_is_told(signed_in, sessions, newsroom):
    made = make_draft(sessions, newsroom["rita"], external_id="s")
    rate(sessions, newsroom["cara"], made.id, dict.fromkeys(made.claim_ids, "accurate"))
    page = signed_in("eddy")
    page.goto(f"/desk/drafts/{made.id}")
    submit_draft(sessions, newsroom["rita"], Submission(body=BODY + " A new line.", title="Meta's Paris lab",
                                                         desk="politics", external_id="s"))
    page.get_by_role("button", name="Approve").click()
    assert "text changed since you opened this page" in page.get_by_role("alert").inner_text()
    assert get_draft(sessions, made.id).approval is None


def test_revisions_say_what_each_changed(sessions, newsroom):
    made = make_draft(sessions, newsroom["rita"], external_id="r")
    rate(sessions, newsroom["cara"], made.id, dict.fromkeys(made.claim_ids, "accurate"))
    edited = BODY.replace("$3 billion", "$4 billion").replace(" Its chief scientist said the models would "
                                                               "reason by 2026.", "")
    make_draft(sessions, newsroom["rita"], edited, ["hired 1,200 engineers", "spent $4 billion"], external_id="r")
    page = get_draft_desk(sessions, newsroom["eddy"], made.id)
    latest, first = page.revisions
    # "spent $3 billion" became "spent $4 billion" (reopened), "reason by 2026" went (retired).
    assert (latest.number, latest.claims, latest.carried, latest.reopened, latest.new, latest.retired) == \
        (2, 2, 1, 1, 0, 1)
    assert (first.number, first.claims, first.new) == (1, 3, 3)
    assert [c.state for c in page.claims] == ["accurate", "open"]
    assert "".join(s.text for s in page.segments).endswith("lab.")
