"""Asking a CMS to unpublish a document: the HTTP calls each CMS's own API takes, free of any HTTP client.

The caller passes `fetch`, which makes one call and returns the CMS's answer; these functions only decide
the calls. Ghost: the Admin API (`PUT /ghost/api/admin/posts/{id}/` with status draft and the post's
current `updated_at`, read first, as Ghost requires), authenticated by a short-lived JWT made from the Admin
API key (`id:secret`). Strapi 5: the content manager's unpublish action (the Content API has none), with an
admin token. Directus: a PATCH of the item's status field to the draft value, with a static token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

# The formats whose CMS lets an outside service unpublish.
REVERTIBLE = ("ghost", "strapi", "directus")
GHOST_TOKEN_SECONDS = 300  # Ghost refuses Admin API tokens that live longer than five minutes


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None = None


@dataclass(frozen=True)
class Answer:
    """The CMS's answer: its HTTP status (None when it could not be reached), the start of its body, or why not."""

    status: int | None
    body: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


Fetch = Callable[[Call], Answer]


class RevertError(ValueError):
    """The integration's options cannot make the call (a malformed key, an id in the wrong shape)."""


def unpublish(fmt: str, options: Mapping[str, Any], external_id: str, fetch: Fetch, now: int) -> Answer:
    """Ask the CMS of format `fmt` (one of REVERTIBLE) to unpublish document `external_id`; the CMS's last
    answer. `now` is the unix time (Ghost's token). Raises RevertError."""
    base = str(options["api_url"]).rstrip("/")
    key = str(options["api_key"])
    if fmt == "ghost":
        return _ghost(base, key, external_id, fetch, now)
    if fmt == "strapi":
        uid = options.get("collection")
        if not uid:
            raise RevertError("Strapi needs the collection option (the content-type uid, api::article.article)")
        return fetch(Call("POST", f"{base}/content-manager/collection-types/{quote(str(uid))}/"
                                  f"{quote(external_id)}/actions/unpublish",
                          {**_bearer(key), "Content-Type": "application/json"}, b"{}"))
    if fmt == "directus":
        collection, _, item = external_id.partition("/")
        if not item:
            raise RevertError(f"a Directus document id is <collection>/<id>, got {external_id!r}")
        field = str(options.get("status_field") or "status")
        body = json.dumps({field: options.get("draft_value") or "draft"}).encode()
        return fetch(Call("PATCH", f"{base}/items/{quote(collection)}/{quote(item)}",
                          {**_bearer(key), "Content-Type": "application/json"}, body))
    raise RevertError(f"a {fmt} CMS cannot be asked to unpublish; one of {', '.join(REVERTIBLE)} can")


def _ghost(base: str, key: str, post_id: str, fetch: Fetch, now: int) -> Answer:
    auth = {"Authorization": f"Ghost {ghost_admin_token(key, now)}", "Accept-Version": "v5.0"}
    url = f"{base}/ghost/api/admin/posts/{quote(post_id)}/"
    current = fetch(Call("GET", url, auth))
    if not current.ok:
        return current
    try:
        updated_at = json.loads(current.body)["posts"][0]["updated_at"]
    except (ValueError, KeyError, IndexError, TypeError):
        return Answer(current.status, current.body, "Ghost's answer holds no post updated_at")
    body = json.dumps({"posts": [{"status": "draft", "updated_at": updated_at}]}).encode()
    return fetch(Call("PUT", url, {**auth, "Content-Type": "application/json"}, body))


def ghost_admin_token(key: str, now: int) -> str:
    """A Ghost Admin API JWT (HS256, `kid` the key's id, audience /admin/, five minutes) from `id:secret`,
    the secret being hex. Raises RevertError for a key of another shape."""
    key_id, _, secret = key.partition(":")
    try:
        raw_secret = bytes.fromhex(secret)
    except ValueError:
        raw_secret = b""
    if not key_id or not raw_secret:
        raise RevertError("a Ghost Admin API key is <id>:<hex secret>")
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key_id}, separators=(",", ":")).encode())
    claims = _b64(json.dumps({"iat": now, "exp": now + GHOST_TOKEN_SECONDS, "aud": "/admin/"},
                             separators=(",", ":")).encode())
    signature = hmac.new(raw_secret, f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64(signature)}"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
