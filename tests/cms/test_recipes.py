"""The CMS recipes under integrations/ (Strapi's document service middleware, Directus's filter hook): their own
`node --test` suites, each against a local stub of the gate endpoint, run from the Python suite."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

RECIPES = Path(__file__).resolve().parents[2] / "integrations"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed: the JavaScript recipes' tests need Node 20")
@pytest.mark.parametrize("cms", ["strapi", "directus"])
def test_recipe(cms: str) -> None:
    assert NODE is not None
    done = subprocess.run([NODE, "--test", "test/"], cwd=RECIPES / cms, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout
