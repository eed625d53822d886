"""Screenshots of the desk for the README: the queue, a claim and a draft page, in Chromium.

    .venv/bin/python bench/screenshots.py [--out docs] [--phone]

Starts the app on a temporary SQLite database with demo users and the example draft
(tests/fixtures/lecun-meta-draft.txt), its claims extracted in this process (no worker), some of them
checked; signs in through the sign-in form and shoots each page at 1280x800 (with `--phone`, also at
390 px wide, as `*-390.png`). Writes docs/desk-queue.png, docs/desk-claim.png and docs/desk-draft.png.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from werkzeug.serving import make_server

from factdesk.api import create_app
from factdesk.config import Settings
from factdesk.domain.actors import Actor
from factdesk.migrate import upgrade
from factdesk.runtime import Runtime
from factdesk.services.drafts import Submission, submit_draft
from factdesk.services.extraction import extract_revision
from factdesk.services.queue import QueueFilter, lease_next_claim
from factdesk.services.users import add_user, set_password
from factdesk.services.verdicts import VerdictInput, record_verdict

ROOT = Path(__file__).resolve().parent.parent
DRAFT = ROOT / "tests" / "fixtures" / "lecun-meta-draft.txt"
PASSWORD = "screenshots only, not a secret"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
FULL_PAGE = False  # --full: whole pages, to review every part (the README shows the first screen)


def seed(sessions) -> int:  # type: ignore[no-untyped-def]
    """Demo users and the example draft, half checked (one claim misleading, one leased): its id."""
    people: dict[str, Actor] = {}
    for name, role in (("rita", "reporter"), ("cara", "checker"), ("carl", "checker"), ("eddy", "editor")):
        people[name] = add_user(sessions, name, role, "tech")
        set_password(sessions, name, PASSWORD)
    text = DRAFT.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    draft = submit_draft(sessions, people["rita"], Submission(
        body=body.strip(), title=title.strip(), desk="tech", external_id="lecun-meta",
        deadline=datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3))).draft
    assert draft.current_revision is not None
    extract_revision(sessions, draft.current_revision.id)
    source = [{"url": "https://www.ft.com/", "title": "Financial Times interview"}]
    for i in range(8):
        claim = lease_next_claim(sessions, people["carl"], lease_seconds=900, cap=10,
                                 filters=QueueFilter(draft_id=draft.id))
        if claim is None:
            break
        rating = "misleading" if i == 3 else "accurate"
        record_verdict(sessions, people["carl"], claim.id, VerdictInput(
            rating=rating, note="Matches the interview transcript." if rating == "accurate"
            else "The figure is the lab's budget, not a one-off investment.",
            sources=source if rating == "accurate" else []))
    lease_next_claim(sessions, people["carl"], lease_seconds=900, cap=10, filters=QueueFilter(draft_id=draft.id))
    return draft.id


def shoot(base_url: str, draft_id: int, out: Path, viewports: dict[str, dict[str, int]]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    made = []
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for suffix, viewport in viewports.items():
            def page_as(name: str):  # type: ignore[no-untyped-def]
                page = browser.new_context(viewport=viewport, base_url=base_url).new_page()  # noqa: B023
                page.goto("/desk/login")
                page.get_by_label("Username").fill(name)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
                return page

            checker = page_as("cara")
            checker.goto("/desk/queue")
            made.append(_save(checker, out / f"desk-queue{suffix}.png"))
            checker.get_by_role("button", name="Take next claim").click()
            checker.wait_for_load_state()
            made.append(_save(checker, out / f"desk-claim{suffix}.png"))
            checker.get_by_role("button", name="Release").click()
            editor = page_as("eddy")
            editor.goto(f"/desk/drafts/{draft_id}")
            made.append(_save(editor, out / f"desk-draft{suffix}.png"))
            editor.goto("/desk/drafts")
            made.append(_save(editor, out / f"desk-drafts{suffix}.png"))
        browser.close()
    return made


def _save(page, path: Path) -> Path:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(400)  # countdowns and live regions have run once
    page.screenshot(path=str(path), full_page=FULL_PAGE)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--phone", action="store_true", help="also shoot each page 390 px wide (*-390.png)")
    parser.add_argument("--full", action="store_true", help="whole pages, not just the first screen")
    args = parser.parse_args()
    global FULL_PAGE
    FULL_PAGE = args.full
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="factdesk-shots-") as tmp:
        settings = Settings.from_env({
            "FACTDESK_DATA_DIR": tmp,
            "FACTDESK_DATABASE_URL": f"sqlite:///{tmp}/desk.sqlite",
            "FACTDESK_BROKER_URL": f"sqla+sqlite:///{tmp}/broker.sqlite",
            "FACTDESK_LOG_LEVEL": "WARNING",
        })
        upgrade(settings.database_url)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        runtime = Runtime(settings)
        draft_id = seed(runtime.sessions)
        server = make_server("127.0.0.1", 0, create_app(runtime=runtime), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            viewports = {"": DESKTOP, **({"-390": PHONE} if args.phone else {})}
            for path in shoot(f"http://127.0.0.1:{server.server_port}", draft_id, args.out, viewports):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            runtime.dispose()


if __name__ == "__main__":
    main()
