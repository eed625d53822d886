"""The claim page in a real browser: context, earlier verdicts, lease buttons, the verdict form and its refusals."""

from __future__ import annotations

import re

import pytest

from factdesk.services.desk_queue import load_claim_desk
from factdesk.services.drafts import list_draft_claims, submit_draft
from factdesk.services.extraction import extract_revision
from factdesk.services.revisions import Submission
from tests.web.test_queue_pages import author, claim_id_of, draft_with_claims, lecun_draft

pytestmark = pytest.mark.committed

HOSTILE = ('The minister said <script>window.pwned=1</script> the budget rose. '
           'See <img src=x onerror="window.pwned=1"> and <a href="javascript:window.pwned=1">the record</a> today.')


def take_next(page):  # type: ignore[no-untyped-def]
    page.goto("/desk/queue")
    page.get_by_role("button", name="Take next claim").click()
    page.wait_for_url(re.compile(r"/desk/claims/\d+"))
    return claim_id_of(page)


def test_a_hostile_draft_shows_as_text_and_runs_nothing(sessions, signed_in, desk_user):
    reporter = author(sessions)
    start = HOSTILE.index("<script>")
    draft_with_claims(sessions, reporter, HOSTILE, [(start, HOSTILE.index("today"))])
    desk_user("cara", "checker", "politics")
    page = signed_in("cara")
    take_next(page)
    marked = page.locator("mark.focus").inner_text()
    assert "<script>window.pwned=1</script>" in marked
    assert '<img src=x onerror="window.pwned=1">' in marked and 'href="javascript:' in marked
    passage = page.locator(".passage")
    assert passage.locator("script, img, a").count() == 0
    assert page.locator('a[href^="javascript:"], img[src="x"]').count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.pwned") == "undefined"
    # A `javascript:` source is refused by the API's rules, beside the field, and stores nothing.
    page.get_by_label("Rating").select_option("accurate")
    page.get_by_label("Source URL").first.fill("javascript:window.pwned=1")
    page.get_by_role("button", name="Record verdict").click()
    assert "source 1" in page.locator("#sources-error").inner_text().lower()
    assert page.get_by_label("Source URL").first.input_value() == "javascript:window.pwned=1"
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_a_verdict_form_without_its_csrf_token_stores_nothing(sessions, signed_in, desk_user):
    reporter = author(sessions)
    draft_with_claims(sessions, reporter, "Fact number 0 is true.", [(0, 20)])
    desk_user("cara", "checker", "politics")
    page = signed_in("cara")
    claim_id = take_next(page)
    page.get_by_label("Rating").select_option("not_checkable")
    page.get_by_label("Note").fill("sent from elsewhere")
    page.evaluate("document.querySelector('.verdict-form input[name=csrf_token]').remove()")
    page.get_by_role("button", name="Record verdict").click()
    page.wait_for_load_state()
    assert "Nothing was saved" in page.get_by_role("alert").inner_text()
    view = load_claim_desk(sessions, reporter, claim_id)
    assert view.history == [] and view.status == "leased"


def test_accurate_without_a_source_keeps_what_was_typed_then_records_with_one(sessions, signed_in, desk_user):
    reporter = author(sessions)
    draft_with_claims(sessions, reporter, "Fact number 0 is true. Fact number 1 is true.", [(0, 20), (23, 43)])
    desk_user("cara", "checker", "politics")
    page = signed_in("cara")
    claim_id = take_next(page)
    page.get_by_label("Rating").select_option("accurate")
    page.get_by_label("Note").fill("Matches the ministry's figures.")
    page.get_by_label("Correction").fill("none needed")
    page.get_by_role("button", name="Record verdict").click()
    error = page.locator("#sources-error")
    assert "at least one source is required" in error.inner_text().lower()
    assert page.get_by_role("group", name=re.compile("Sources")).locator("#sources-error").count() == 1
    assert page.get_by_label("Note").input_value() == "Matches the ministry's figures."
    assert page.get_by_label("Correction").input_value() == "none needed"
    assert page.get_by_label("Rating").input_value() == "accurate"
    assert load_claim_desk(sessions, reporter, claim_id).history == []

    page.get_by_label("Source URL").nth(1).fill("https://example.org/ministry")
    page.get_by_label("Source title").nth(1).fill("Ministry figures")
    page.get_by_role("button", name="Record verdict").click()
    page.wait_for_url(re.compile(r"recorded=1"))
    assert page.get_by_role("heading", name="Verdict recorded: accurate").is_visible()
    link = page.get_by_role("link", name="Ministry figures")
    assert link.get_attribute("href") == "https://example.org/ministry"
    assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    assert page.get_by_text("Matches the ministry's figures.").is_visible()
    assert page.get_by_role("button", name="Record verdict").count() == 0  # done: no second verdict by a checker
    page.get_by_role("button", name="Next claim").click()
    page.wait_for_url(re.compile(r"/desk/claims/\d+$"))
    assert claim_id_of(page) != claim_id


def test_renew_and_release_the_lease(sessions, signed_in, desk_user):
    from playwright.sync_api import expect

    reporter = author(sessions)
    draft_with_claims(sessions, reporter, "Fact number 0 is true.", [(0, 20)])
    desk_user("cara", "checker", "politics")
    desk_user("carl", "checker", "politics")
    page = signed_in("cara")
    claim_id = take_next(page)
    assert re.search(r"1[45]:\d\d left", page.locator(".lease").inner_text())
    page.get_by_role("button", name="Renew").click()
    # The form posts and the page comes back with the notice: wait for it (is_visible alone raced the reload).
    expect(page.get_by_role("status").filter(has_text="Lease renewed.")).to_be_visible()
    other = signed_in("carl")
    other.goto(f"/desk/claims/{claim_id}")
    assert "Held by cara" in other.locator(".lease").inner_text()
    assert other.get_by_role("button", name="Release").count() == 0  # hidden for another checker
    assert other.get_by_role("button", name="Record verdict").count() == 0
    page.get_by_role("button", name="Release").click()
    page.wait_for_url(re.compile(r"/desk/queue"))
    assert page.get_by_role("status").filter(has_text="back in the queue").is_visible()
    assert page.locator(f'tr[data-claim-id="{claim_id}"]').count() == 1


def test_a_changed_claim_shows_the_verdict_on_its_earlier_wording(sessions, signed_in, desk_user, lecun_text):
    reporter = author(sessions)
    draft_id = lecun_draft(sessions, reporter)
    money = next(c for c in list_draft_claims(sessions, draft_id).items if c.type == "money")
    desk_user("cara", "checker")
    page = signed_in("cara")
    page.goto("/desk/queue?type=money")
    page.get_by_role("button", name="Take next claim").click()
    page.wait_for_url(re.compile(rf"/desk/claims/{money.id}$"))
    page.get_by_label("Rating").select_option("inaccurate")
    page.get_by_label("Note").fill("It was $15 billion, per the filing.")
    page.get_by_label("Source URL").first.fill("https://example.org/filing")
    page.get_by_label("Source title").first.fill("The SEC filing")
    page.get_by_role("button", name="Record verdict").click()
    page.wait_for_url(re.compile(r"recorded=1"))

    edited = submit_draft(sessions, reporter, Submission(body=lecun_text.replace("$14 billion", "$15 billion"),
                                                         title="LeCun leaves Meta", desk="politics",
                                                         external_id="lecun"))
    assert edited.draft.current_revision is not None
    assert extract_revision(sessions, edited.draft.current_revision.id) == "stored"
    changed = next(c for c in list_draft_claims(sessions, draft_id).items if c.type == "money")
    assert changed.previous_claim_id == money.id and changed.status == "open"
    page.goto(f"/desk/claims/{changed.id}")
    assert "$15 billion" in page.locator("mark.focus").inner_text()
    history = page.get_by_role("region", name="Earlier verdicts")
    assert "It was $15 billion, per the filing." in history.inner_text()
    assert "revision 1" in history.inner_text() and "earlier wording" in history.inner_text()
    assert history.get_by_role("link", name="The SEC filing").get_attribute("rel") == "noopener noreferrer"


def test_the_claim_page_fits_a_phone(sessions, signed_in, desk_user):
    reporter = author(sessions)
    lecun_draft(sessions, reporter)
    desk_user("cara", "checker", "politics")
    page = signed_in("cara", viewport={"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/desk_queue_phone.png", full_page=True)
    take_next(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/desk_claim_phone.png", full_page=True)
    page.get_by_label("Rating").focus()  # every control is reachable and labelled
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "note"
