"""The desk's assets: served by the app under addresses that change with their content, kept by the browser."""

from __future__ import annotations

import re


def test_pages_name_assets_by_content_and_the_browser_may_keep_them(client):  # type: ignore[no-untyped-def]
    page = client.get("/desk/login").get_data(as_text=True)
    addresses = re.findall(r'(?:href|src)="(/desk/static/[^"]+)"', page)
    assert {a.split("?")[0] for a in addresses} == {"/desk/static/desk.css", "/desk/static/desk.js"}
    for address in addresses:
        assert re.search(r"\?v=[0-9a-f]{12}$", address), address
        answer = client.get(address)
        assert answer.status_code == 200 and "max-age=31536000" in answer.headers["Cache-Control"]
    # Without its version, an asset is revalidated as before (an old page may still name it so).
    assert "max-age=31536000" not in (client.get("/desk/static/desk.js").headers.get("Cache-Control") or "")
