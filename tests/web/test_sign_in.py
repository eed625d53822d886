"""Signing in and out of the desk: passwords, sessions, CSRF and the security headers, in a real browser."""

from __future__ import annotations

import re

from factdesk.services.users import sign_in
from tests.web.conftest import PASSWORD


def test_a_password_is_stored_as_a_memory_hard_hash_and_checked(sessions, desk_user, runtime):
    from sqlalchemy import text

    desk_user("cara", "checker", "politics")
    with runtime.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE name = 'cara'")).scalar_one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert sign_in(sessions, "cara", PASSWORD) is not None
    assert sign_in(sessions, "cara", PASSWORD + "x") is None
    assert sign_in(sessions, "nobody", PASSWORD) is None


def test_sign_in_lands_on_the_desk_and_sign_out_ends_the_session(signed_in, desk_user, live_server):
    desk_user("cara", "checker", "politics")
    page = signed_in("cara")
    assert "/desk/queue" in page.url
    assert page.get_by_role("button", name="Sign out").is_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "factdesk_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/desk/login"))
    page.goto("/desk/queue")
    assert "/desk/login" in page.url


def test_a_wrong_password_is_refused_with_a_message_and_no_session(signed_in, desk_user):
    desk_user("cara", "checker")
    page = signed_in("cara", password="not the password at all")
    assert "/desk/login" in page.url
    assert page.get_by_role("alert").inner_text() == "That username and password do not match."
    page.goto("/desk/queue")
    assert "/desk/login" in page.url


def test_a_form_without_its_csrf_token_is_refused(client, desk_user):
    desk_user("cara", "checker")
    refused = client.post("/desk/login", data={"username": "cara", "password": PASSWORD})
    assert refused.status_code == 400
    assert "Nothing was saved" in refused.get_data(as_text=True)
    assert client.get("/desk/queue").status_code == 302  # still signed out


def test_pages_send_a_strict_content_security_policy(client):
    page = client.get("/desk/login")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "<script>" not in page.get_data(as_text=True)


def test_the_root_sends_people_to_the_desk(client):
    assert client.get("/").headers["Location"].endswith("/desk/")
    assert "/desk/login" in client.get("/desk/").headers["Location"]


def test_failed_sign_ins_are_limited_per_address(client, desk_user, settings):
    desk_user("cara", "checker")
    page = client.get("/desk/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    codes = [client.post("/desk/login", data={"csrf_token": token, "username": "cara", "password": "wrong-password!"})
             .status_code for _ in range(settings.bad_signature_limit + 1)]
    assert codes[:settings.bad_signature_limit] == [401] * settings.bad_signature_limit
    assert codes[-1] == 429
