"""A gunicorn worker pays its one-time costs at boot (factdesk.wsgi), without needing the database or broker."""

from __future__ import annotations

import gc

from factdesk.api import create_app, warm_up
from factdesk.config import Settings

# Nothing listens on port 1: any connection attempt would fail (and raise out of warm_up).
NOWHERE = {"FACTDESK_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/factdesk",
           "FACTDESK_BROKER_URL": "redis://127.0.0.1:1/0"}


def test_warm_up_builds_the_process_resources_without_connecting(tmp_path):
    app = create_app(Settings.from_env({**NOWHERE, "FACTDESK_DATA_DIR": str(tmp_path)}))
    runtime = app.extensions["factdesk"]

    try:
        warm_up(app)
    finally:
        gc.unfreeze()  # warm_up froze what this test process holds; the other tests expect a normal collector

    built = {"engine", "sessions", "celery", "sender", "inbox_writer", "drain_signal"}
    assert built <= set(runtime.__dict__)
    assert runtime.engine.pool.checkedout() == 0
    assert runtime.engine.pool.checkedin() == 0  # no connection was ever opened
    assert "factdesk.limiter" in app.extensions


# Run in a fresh interpreter: in the test process, earlier tests have imported everything already.
FIRST_SEND = """
import sys
from factdesk.api import create_app, warm_up
from factdesk.config import Settings

app = create_app(Settings.from_env({**NOWHERE, "FACTDESK_DATA_DIR": sys.argv[1]}))
import gc
frozen_before = gc.get_freeze_count()
warm_up(app)
print(gc.get_freeze_count() - frozen_before)
before = set(sys.modules)
try:
    app.extensions["factdesk"].celery.send_task("factdesk.process_inbox", retry=False)
except Exception:
    pass  # nothing listens on the broker's port; what matters is what the attempt had to import first
print(",".join(sorted(m for m in set(sys.modules) - before if m.split(".")[0] in {"celery", "kombu", "redis"})))
"""


def test_a_warmed_up_process_imports_nothing_on_its_first_send_and_its_startup_objects_are_frozen(tmp_path):
    # Frozen: the garbage collector's full collections no longer walk the app, the modules and the mappers
    # (a 66-113 ms pause of the whole worker under load, before).
    import subprocess
    import sys

    script = f"NOWHERE = {NOWHERE!r}\n{FIRST_SEND}"
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    frozen, imported = done.stdout.split("\n")[:2]
    assert int(frozen) > 50_000
    assert imported == ""
