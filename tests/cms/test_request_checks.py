"""The request path's shortcuts agree with the slow, authoritative code they stand in for, on many inputs."""

from __future__ import annotations

import itertools
import json
import random
from typing import Any

import pytest

from factdesk.cms.adapters import generic
from factdesk.extraction import normalize
from factdesk.services.errors import Invalid
from factdesk.services.inbox import check_save, has_text, source_hash
from factdesk.services.storable import PROBLEM, storable

PIECES = ["", " ", "\n", "\r\n", "\t", "\u00a0", "\u2003", "\u200b", "\ufeff", "&nbsp;", "&#160;", "&amp;", "&#x20;",
          "<p>", "</p>", "<br>", "<br/>", "<div>", "<!-- c -->", "<script>x</script>", "<style>p{}</style>",
          "<img src=x>", "**", "#", "# ", "- ", "> ", "`", "```", "[](x)", "![a](b)", "a", "0", ".", "é", "<"]


def bodies() -> list[str]:
    rng = random.Random(5)
    made = ["".join(p) for p in itertools.product(PIECES[:14], repeat=2)]
    made += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))) for _ in range(3000)]
    return made


@pytest.mark.parametrize("fmt", ["text", "html", "markdown"])
def test_has_text_refuses_exactly_what_the_normaliser_leaves_empty(fmt: str) -> None:
    for body in bodies():
        assert has_text(body, fmt) == bool(normalize(body, fmt).text.strip()), repr(body)


def test_the_source_hash_tells_apart_saves_that_normalise_differently() -> None:
    # Equal hashes must mean equal text (never a false "unchanged"); title and body cannot trade characters.
    seen: dict[str, tuple[Any, ...]] = {}
    for fmt, title, body in itertools.product(["text", "html"], [None, "", "a", "a:", ":1:a"], ["", "a", ":a", "1:a"]):
        digest = source_hash(body, fmt, title)
        assert digest not in seen, (seen.get(digest), (fmt, title, body))
        seen[digest] = (fmt, title, body)


def test_an_empty_save_is_invalid() -> None:
    save = generic.adapt({"id": "d", "body": "<p>&nbsp;</p>", "format": "html"}, {})[0]
    with pytest.raises(Invalid):
        check_save(save)


@pytest.mark.parametrize(("field", "value"), [
    ("body", "x\ud800"), ("body", "a\udc00b"), ("body", "x\x00y"), ("id", "d\x00"), ("title", "\ud83d"),
    ("previous_body", "before\x00"),
])
def test_a_save_with_text_no_database_can_store_is_invalid(field: str, value: str) -> None:
    # Accepted, such a save would fail in the inbox's INSERT (503 to the CMS, forever) or, stored, on every
    # drain. A lone surrogate is what a JSON escape like \ud800 leaves; PostgreSQL's text refuses NUL.
    payload = {"id": "d", "version": 2, "body": "Text.", field: value}
    with pytest.raises(Invalid) as refused:
        check_save(generic.adapt(payload, {})[0])
    assert refused.value.details == {"external_id" if field == "id" else field: [PROBLEM]}


def test_text_with_whole_surrogate_pairs_and_any_other_character_is_storable() -> None:
    assert storable("Café 漢字 \U0001F600 \u2028 \x7f \x01")
    assert json.loads('"\\ud83d\\ude00"') == "\U0001F600"  # JSON's escaped pairs arrive joined
    assert not storable(json.loads('"\\ud83d"'))


VALUES: list[Any] = [None, "", "x", "a" * 201, "a" * 1001, 0, 7, -1, 2.0, True, [], {}, "html", "markdown", "rtf",
                     "2026-11-28T10:00:00Z", "2026-11-28", "not a date"]
KEYS = ["id", "body", "format", "title", "version", "updated_at", "previous_body", "desk", "deadline",
        "reference_date", "extra"]


def schema_adapt(payload: Any) -> Any:
    try:
        data = generic._SCHEMA.load(payload if isinstance(payload, dict) else {"": payload})
    except Exception:
        return "refused"
    return data


def test_the_generic_shortcut_accepts_only_what_the_schema_accepts_and_reads_it_alike() -> None:
    rng = random.Random(7)
    payloads: list[Any] = [None, [], "x", 3]
    for _ in range(4000):
        payload = {"id": rng.choice(["doc", "", "a" * 201, 5, None]), "body": rng.choice(["text", "", 1, None])}
        for key in rng.sample(KEYS[2:], rng.randint(0, 4)):
            payload[key] = rng.choice(VALUES)
        payloads.append(payload)
    shortcut_used = 0
    for payload in payloads:
        plain = generic._plain(payload)
        if plain is None:
            continue
        shortcut_used += 1
        data = schema_adapt(payload)
        assert data != "refused", payload
        assert (plain.external_id, plain.body, plain.format, plain.title, plain.source_order, plain.previous_body,
                plain.desk) == (data["id"], data["body"], data["format"], data["title"], data["version"],
                                data["previous_body"], data["desk"]), payload
        assert plain.source_version == (None if data["version"] is None else str(data["version"]))
    assert shortcut_used > 100  # the comparison did run on many accepted payloads


def test_a_batch_larger_than_one_sqlite_statement_is_answered_save_by_save(runtime, sessions) -> None:
    # More saves than one lookup statement holds, several per document: each is compared with the ones
    # before it in the batch (a redelivery is a duplicate, the same text again unchanged, an older version
    # stale), exactly as if they had come one batch each.
    from factdesk.services.inbox import store_saves
    from factdesk.services.integrations import add_integration

    integration_id = add_integration(sessions, "big", "secret-0123456789").id

    def save(doc: int, version: int, text: str) -> Any:
        return check_save(generic.adapt({"id": f"d{doc}", "version": version, "body": text}, {})[0])
    batch = []
    for doc in range(90):
        batch += [save(doc, 2, "two"), save(doc, 2, "two"), save(doc, 3, "two"), save(doc, 1, "one")]
    with runtime.engine.begin() as conn:
        receipts = store_saves(conn, [(integration_id, [item]) for item in batch])
    outcomes = [r.outcome for [r] in receipts]
    assert outcomes == ["accepted", "duplicate", "unchanged", "stale"] * 90
    assert all((r.receipt is None) == (r.outcome == "duplicate") for [r] in receipts)
