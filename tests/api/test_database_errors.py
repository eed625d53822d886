"""The database's failures as the API answers them, never a 500.

Down: 503 with Retry-After on every endpoint, the REST API, the CMS hook (its integration not cached), /metrics,
and the desk's pages (a page, not JSON). Here an API process on a database that is not there (PostgreSQL on a
port nothing listens on; a SQLite file in a folder that does not exist), so these run in either suite;
tests/faults/test_database_outage.py stops a real PostgreSQL under a running API and sees it recover.

A value it refuses (out of range, too long): 422, and the CMS hook does not ask for a retry (503) that can
never succeed.
"""

from __future__ import annotations

import json
from dataclasses import replace

import psycopg
import pytest
from psycopg import errors as pg
from sqlalchemy import exc as sa

from factdesk.api import create_app
from factdesk.cms.adapters.common import Save
from factdesk.runtime import Runtime
from factdesk.services.errors import Invalid
from factdesk.services.inbox import NotStored, receive_saves

DEAD_DATABASES = {
    "postgresql": "postgresql+psycopg://factdesk@127.0.0.1:1/factdesk",  # nothing listens on port 1
    "sqlite": "sqlite:////nonexistent-factdesk-folder/factdesk.sqlite",  # "unable to open database file"
}
TOKEN = {"Authorization": "Bearer fd_" + "x" * 43}

REST = [
    ("GET", "/api/v1/drafts", None),
    ("POST", "/api/v1/drafts", {"body": "Sales rose 12% in 2019."}),
    ("GET", "/api/v1/drafts/1", None),
    ("GET", "/api/v1/drafts/1/claims", None),
    ("GET", "/api/v1/drafts/1/gate", None),
    ("POST", "/api/v1/drafts/1/approve", {}),
    ("GET", "/api/v1/queue", None),
    ("POST", "/api/v1/queue/lease", {}),
    ("POST", "/api/v1/claims/1/verdicts", {"rating": "unverifiable", "note": "No record."}),
    ("POST", "/api/v1/claims/1/renew", None),
    ("POST", "/api/v1/claims/1/release", None),
    ("GET", "/api/v1/drafts/1/revisions", None),
    ("GET", "/api/v1/drafts/1/audit", None),
    ("GET", "/api/v1/deliveries", None),
    ("GET", "/api/v1/deliveries/1", None),
]


@pytest.fixture(params=sorted(DEAD_DATABASES))
def down(request, settings):  # type: ignore[no-untyped-def]
    runtime = Runtime(replace(settings, database_url=DEAD_DATABASES[request.param]))
    app = create_app(runtime=runtime)
    yield app.test_client()
    runtime.dispose()


def assert_unavailable(r) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 503, r.get_data(as_text=True)[:500]
    assert int(r.headers["Retry-After"]) > 0


@pytest.mark.parametrize(("method", "path", "body"), REST, ids=[f"{m} {p}" for m, p, _ in REST])
def test_rest_endpoints_answer_503_with_retry_after_in_the_error_shape(down, method, path, body):
    r = down.open(path, method=method, json=body, headers=TOKEN)
    assert_unavailable(r)
    assert {"status", "code", "message", "errors"} <= set(r.json)
    assert (r.json["status"], r.json["code"]) == (503, "unavailable")
    assert "database" in r.json["message"]


def test_metrics_answer_503(down):
    assert_unavailable(down.get("/metrics"))


def test_the_cms_hook_answers_503_when_it_must_read_the_integration(down):
    # A fresh process has no integration cached: it must read it, and cannot. The CMS retries a 503.
    r = down.post("/api/v1/webhooks/cms/cms", data=json.dumps({"id": "a1", "body": "Text."}),
                  headers={"Content-Type": "application/json"})
    assert_unavailable(r)
    assert r.json["code"] == "unavailable"


def test_desk_pages_answer_a_503_page(down):
    with down.session_transaction() as session:
        session["uid"], session["csrf"] = 1, "token"
    for r in (down.get("/desk/queue"), down.get("/desk/drafts"),
              down.post("/desk/login", data={"username": "ed", "password": "pw", "csrf_token": "token"})):
        assert_unavailable(r)
        assert r.mimetype == "text/html"
        page = r.get_data(as_text=True)
        assert "Try again shortly" in page and "database is unavailable" in page
        assert "Content-Security-Policy" in r.headers  # still a desk page, under the desk's headers


def test_readiness_says_which_dependency_is_down(down):
    r = down.get("/readyz")
    assert_unavailable(r)
    assert r.json["errors"]["database"].startswith("down")


# -- a value the database refuses -----------------------------------------------------------------------------

REFUSED = 'value "2147483648" is out of range for type integer'


def database_error(orig: Exception) -> sa.DBAPIError:
    """The error as SQLAlchemy raises it to a service: the driver's error inside a DBAPIError."""
    return sa.DBAPIError.instance("INSERT INTO drafts ...", {}, orig, psycopg.Error)


def test_a_value_the_database_refuses_is_422_not_500(settings):
    app = create_app(runtime=Runtime(settings))

    def door_missed_it():  # a view whose input the checks at the door let through
        raise database_error(pg.NumericValueOutOfRange(REFUSED))

    app.add_url_rule("/api/v1/test-refused", view_func=door_missed_it)
    r = app.test_client().get("/api/v1/test-refused")
    assert r.status_code == 422 and r.json["code"] == "validation_error"
    assert REFUSED in r.json["message"] and "Retry-After" not in r.headers


class FailingStore:
    """Stands in for the inbox writer: fails every store with `error`."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def store(self, integration_id, saves):  # type: ignore[no-untyped-def]
        raise self.error


class NoDrain:
    def notify(self) -> None:
        raise AssertionError("nothing was stored: no drain to ask for")


SAVE = Save(external_id="doc", body="The council approved a budget of $3 million.", format="text")


def test_the_hook_asks_for_a_retry_only_when_one_can_succeed():
    with pytest.raises(Invalid, match="out of range"):  # 422: permanent, the CMS must not retry it
        receive_saves(FailingStore(database_error(pg.NumericValueOutOfRange(REFUSED))), NoDrain(), 1, [SAVE])
    for passing in (database_error(pg.AdminShutdown("terminating connection")), TimeoutError()):
        with pytest.raises(NotStored):  # 503 with Retry-After: the CMS retries
            receive_saves(FailingStore(passing), NoDrain(), 1, [SAVE])
