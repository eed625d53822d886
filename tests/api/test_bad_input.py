"""Input a database would refuse is answered at the door with a 4xx in the JSON error shape, never a 500."""

from __future__ import annotations

import pytest

from factdesk.services.storable import PROBLEM as UNSTORABLE


@pytest.mark.parametrize("path", [
    "/api/v1/drafts/2147483648",
    "/api/v1/drafts/99999999999999999999999",
    "/api/v1/drafts/2147483648/claims",
    "/api/v1/drafts/0",
])
def test_an_id_past_what_an_id_column_holds_is_404(client, reporter, path):
    r = client.get(path, headers=reporter)
    assert r.status_code == 404
    assert r.json["code"] == "not_found"


def test_a_claim_id_past_32_bits_is_404_on_post_too(client, users):
    _, editor = users.make("ed", "editor")
    r = client.post("/api/v1/claims/2147483648/release", headers=editor)
    assert r.status_code == 404 and r.json["code"] == "not_found"


def test_the_largest_id_is_still_an_id(client, reporter):
    r = client.get("/api/v1/drafts/2147483647", headers=reporter)
    assert r.status_code == 404 and "2147483647" in r.json["message"]


def test_the_openapi_document_states_the_id_range(client):
    spec = client.get("/api/v1/openapi.json").json
    param = next(p for p in spec["paths"]["/api/v1/drafts/{draft_id}"]["parameters"] if p["name"] == "draft_id")
    assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": 2147483647}


# --- text a database cannot store, in any query parameter or JSON field (issue 12, item 7) -------------------

NUL, HALF_A_PAIR = "\x00", "\ud800"  # a NUL; half of a surrogate pair (a lone \ud800 escape in JSON)


@pytest.fixture
def desk(users, sessions):  # type: ignore[no-untyped-def]
    """A reporter's draft with two claims, and an editor's auth headers: (editor headers, draft id, claim ids)."""
    from factdesk.db import unit_of_work
    from factdesk.extraction import Claim as FoundClaim
    from factdesk.extraction import Extraction
    from factdesk.models import Claim
    from factdesk.services.drafts import Submission, submit_draft
    from factdesk.services.extraction import store_claims

    author, _ = users.make("rita", "reporter", "politics")
    _, editor = users.make("eddy", "editor")
    draft = submit_draft(sessions, author, Submission(body="The city paid $3 million. It hired 40 staff.",
                                                      desk="politics")).draft
    revision = draft.current_revision
    assert revision is not None
    found = [FoundClaim(type="fact", spans=((i, i + 4),), text=revision.text[i:i + 4], sentence=revision.text,
                        normalized={}, score=0.5, reasons=(), fingerprint=f"fp-{i}") for i in (0, 26)]
    with unit_of_work(sessions) as s:
        store_claims(s, revision.id, Extraction(text=revision.text, claims=found))
        claim_ids = [c.id for c in s.query(Claim).filter(Claim.revision_id == revision.id).order_by(Claim.start)]
    return editor, draft.id, claim_ids


QUERIES = [  # every query parameter of every endpoint that takes any, and one that takes none
    ("/api/v1/drafts", "desk"), ("/api/v1/drafts", "status"),
    ("/api/v1/queue", "desk"), ("/api/v1/queue", "type"),
    ("/api/v1/drafts/{draft}/gate", "content_hash"),
    ("/api/v1/drafts/{draft}/audit", "after_id"),
    ("/api/v1/deliveries", "integration"), ("/api/v1/deliveries", "status"),
    ("/api/v1/drafts/{draft}", "anything"),
]


@pytest.mark.parametrize(("path", "name"), QUERIES)
def test_a_nul_in_a_query_parameter_is_422_naming_it(client, desk, path, name):
    editor, draft_id, _ = desk
    r = client.get(path.format(draft=draft_id), query_string={name: f"politics{NUL}"}, headers=editor)
    assert r.status_code == 422, r.json
    assert r.json["code"] == "validation_error"
    assert list(r.json["errors"]["query"]) == [name]


def test_a_nul_in_a_desk_page_query_is_422_too(client):
    r = client.get("/desk/drafts", query_string={"desk": NUL})
    assert r.status_code == 422 and r.json["errors"]["query"] == {"desk": [UNSTORABLE]}


SOURCE = {"url": "https://example.org/a"}
VERDICT_FIELDS = {  # field: (a verdict with `text` in that field, where the error is)
    "note": (lambda text: {"rating": "accurate", "sources": [SOURCE], "note": text}, ["note"]),
    "correction": (lambda text: {"rating": "inaccurate", "correction": text}, ["correction"]),
    "sources[].title": (lambda text: {"rating": "accurate", "sources": [{**SOURCE, "title": text}]},
                        ["sources", "0", "title"]),
}


@pytest.mark.parametrize("text", [NUL, HALF_A_PAIR, f"ok{NUL}", f"ok {HALF_A_PAIR} ok"])
@pytest.mark.parametrize("field", list(VERDICT_FIELDS))
def test_unstorable_text_in_a_verdict_is_422_at_its_field(client, desk, text, field):
    editor, draft_id, claim_ids = desk
    verdict, where = VERDICT_FIELDS[field]
    r = client.post(f"/api/v1/claims/{claim_ids[0]}/verdicts", json=verdict(text), headers=editor)
    assert r.status_code == 422, r.json
    errors = r.json["errors"]["json"]
    for key in where:
        errors = errors[key]
    assert errors == [UNSTORABLE]
    assert client.get(f"/api/v1/drafts/{draft_id}/claims", headers=editor).json["items"][0]["verdict"] is None


@pytest.mark.parametrize("text", [NUL, HALF_A_PAIR])
def test_unstorable_text_in_the_lease_desk_is_422(client, desk, text):
    editor, _, _ = desk
    r = client.post("/api/v1/queue/lease", json={"desk": text}, headers=editor)
    assert r.status_code == 422 and r.json["errors"]["json"] == {"desk": [UNSTORABLE]}


@pytest.mark.parametrize("text", [f"checked{NUL}", f"checked {HALF_A_PAIR}"])
def test_unstorable_text_in_an_override_reason_is_422_and_nothing_is_approved(client, desk, text):
    editor, draft_id, claim_ids = desk
    r = client.post(f"/api/v1/drafts/{draft_id}/approve",
                    json={"overrides": [{"claim_id": claim_ids[0], "reason": text}]}, headers=editor)
    assert r.status_code == 422 and r.json["errors"]["json"] == {"overrides": {"0": {"reason": [UNSTORABLE]}}}
    assert client.get(f"/api/v1/drafts/{draft_id}", headers=editor).json["approval"] is None


def test_unstorable_text_in_a_desk_form_is_422(client, users, desk):
    from factdesk.services.users import set_password

    _, draft_id, claim_ids = desk
    set_password(users.sessions, "eddy", "a long passphrase for eddy")
    def csrf_token(page: str) -> str:
        return client.get(page).get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]

    assert client.post("/desk/login", data={"username": "eddy", "password": "a long passphrase for eddy",
                                            "csrf_token": csrf_token("/desk/login")}).status_code in (302, 303)
    token = csrf_token(f"/desk/drafts/{draft_id}")
    r = client.post(f"/desk/drafts/{draft_id}/approve",
                    data={"csrf_token": token, f"override-{claim_ids[0]}": f"fine{NUL}"})
    assert r.status_code == 422 and "cannot be stored" in r.get_data(as_text=True)


# --- JSON Python's reader cannot take (issue 12, item 7) ------------------------------------------------------

DEEP = "[" * 1000 + "]" * 1000
LONG_NUMBER = "9" * 5001


@pytest.mark.parametrize(("body", "says"), [
    ('{"body": ' + DEEP + "}", "nests deeper"),
    (DEEP, "nests deeper"),
    ('{"body": "The city paid $3 million.", "desk": ' + LONG_NUMBER + "}", "more than 4300 digits"),
    ('{"body": "x", "deadline": ' + LONG_NUMBER + "}", "more than 4300 digits"),
    ('{"body": "x"', "Expecting"),
    (b'{"body": "\xff"}', "not UTF-8"),
])
def test_json_the_reader_cannot_take_is_400(client, reporter, body, says):
    r = client.post("/api/v1/drafts", data=body, content_type="application/json", headers=reporter)
    assert r.status_code == 400 and r.json["code"] == "bad_request"
    assert says in r.json["message"]


def test_deep_json_in_a_verdict_is_400(client, desk):
    editor, _, claim_ids = desk
    r = client.post(f"/api/v1/claims/{claim_ids[0]}/verdicts", data='{"rating": "accurate", "sources": ' + DEEP + "}",
                    content_type="application/json", headers=editor)
    assert r.status_code == 400 and "nests deeper" in r.json["message"]


def test_json_nested_as_deep_as_allowed_is_read(client, reporter):
    from factdesk.api.parsing import MAX_JSON_DEPTH

    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    r = client.post("/api/v1/drafts", data='{"body": ' + nested + "}", content_type="application/json",
                    headers=reporter)
    assert r.status_code == 422 and r.json["errors"]["json"] == {"body": ["Not a valid string."]}


@pytest.mark.parametrize(("body", "says"), [(DEEP, "nests deeper"), ('{"id": ' + LONG_NUMBER + "}", "4300 digits")])
def test_json_the_reader_cannot_take_is_400_at_the_signed_hook(client, sessions, body, says):
    import time

    from factdesk.cms.schemes import factdesk as factdesk_scheme
    from factdesk.services.integrations import add_integration

    add_integration(sessions, "cms", "generic-secret-0123456789")
    raw = body.encode()
    signature = factdesk_scheme.sign("generic-secret-0123456789", int(time.time()), raw)
    r = client.post("/api/v1/webhooks/cms/cms", data=raw,
                    headers={"Content-Type": "application/json", factdesk_scheme.HEADER: signature})
    assert r.status_code == 400 and r.json["code"] == "bad_request" and says in r.json["message"]


def test_a_nul_in_the_hook_path_names_no_integration(client):
    r = client.post("/api/v1/webhooks/cms/a%00b", json={})
    assert r.status_code == 404 and r.json["code"] == "not_found"


# --- what the README promises of every endpoint (issue 12, item 8) --------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/drafts", "/api/v1/queue", "/api/v1/drafts/{draft}/gate",
                                  "/api/v1/drafts/{draft}/audit", "/api/v1/deliveries"])
def test_an_unknown_query_parameter_is_422(client, desk, path):
    editor, draft_id, _ = desk
    r = client.get(path.format(draft=draft_id), query_string={"stauts": "open"}, headers=editor)
    assert r.status_code == 422
    assert r.json["errors"]["query"] == {"stauts": ["Unknown field."]}


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize(("path", "allowed"), [
    ("/api/v1/drafts", {"GET", "POST"}),
    ("/api/v1/drafts/1", {"GET"}),
    ("/api/v1/claims/1/verdicts", {"POST"}),
])
def test_a_method_the_endpoint_does_not_take_is_405_with_allow(client, reporter, method, path, allowed):
    r = client.open(path, method=method, headers=reporter)
    assert r.status_code == 405 and r.json["code"] == "method_not_allowed"
    assert allowed <= {m.strip() for m in r.headers["Allow"].split(",")}
    assert method not in r.headers["Allow"]


# --- numbers past what the database takes, in query parameters and bodies (found by schemathesis) -------------

@pytest.mark.parametrize(("path", "query", "name"), [
    ("/api/v1/deliveries", {"draft_id": -2199023255553}, "draft_id"),
    ("/api/v1/deliveries", {"draft_id": 2**31}, "draft_id"),
    ("/api/v1/deliveries", {"offset": 2**63}, "offset"),
    ("/api/v1/drafts", {"offset": 2**63}, "offset"),
    ("/api/v1/queue", {"draft": 2**31}, "draft"),
    ("/api/v1/drafts/{draft}/audit", {"after_id": 2**63}, "after_id"),
])
def test_a_number_past_its_column_in_a_query_is_422(client, desk, path, query, name):
    editor, draft_id, _ = desk
    r = client.get(path.format(draft=draft_id), query_string=query, headers=editor)
    assert r.status_code == 422, r.json
    assert list(r.json["errors"]["query"]) == [name]


def test_an_unknown_draft_status_filter_is_422_not_an_empty_list(client, reporter):
    r = client.get("/api/v1/drafts", query_string={"status": "in-review"}, headers=reporter)
    assert r.status_code == 422 and list(r.json["errors"]["query"]) == ["status"]


def test_an_override_of_a_claim_id_past_32_bits_is_422(client, desk):
    editor, draft_id, _ = desk
    r = client.post(f"/api/v1/drafts/{draft_id}/approve",
                    json={"overrides": [{"claim_id": 2**31, "reason": "fine"}]}, headers=editor)
    assert r.status_code == 422


def test_a_desk_page_past_the_last_is_empty_not_an_error(client, users):
    from factdesk.services.users import set_password

    users.make("eddy", "editor")
    set_password(users.sessions, "eddy", "a long passphrase for eddy")
    page = client.get("/desk/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/desk/login", data={"username": "eddy", "password": "a long passphrase for eddy",
                                     "csrf_token": token})
    assert client.get("/desk/drafts", query_string={"page": 10**30}).status_code == 200
