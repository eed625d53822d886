"""The CMS recipes under integrations/ (Strapi's document service middleware, Directus's filter hook, the
WordPress plugin): their own suites (`node --test`, and PHP's integrations/wordpress/test/run.php), each against
a local HTTP stub of the gate endpoint, run from the Python suite."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

RECIPES = Path(__file__).resolve().parents[2] / "integrations"
NODE = shutil.which("node")
PHP = shutil.which("php")


@pytest.mark.skipif(NODE is None, reason="node is not installed: the JavaScript recipes' tests need Node 20")
@pytest.mark.parametrize("cms", ["strapi", "directus"])
def test_recipe(cms: str) -> None:
    assert NODE is not None
    done = subprocess.run([NODE, "--test", "test/"], cwd=RECIPES / cms, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout


@pytest.mark.skipif(PHP is None, reason="php is not installed: the WordPress plugin's tests need PHP 8 (php-cli)")
def test_wordpress_plugin() -> None:
    assert PHP is not None
    done = subprocess.run([PHP, "test/run.php"], cwd=RECIPES / "wordpress", capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout
