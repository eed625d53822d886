"""The CMS side of the end-to-end runs: installing a CMS from the npm registry into a scratch folder (outside
the repository), building its native modules from source, and running it as a background process.

Only the npm registry is reachable where these run: native modules (sqlite3, better-sqlite3) cannot download
their prebuilt binaries and are compiled with node-gyp against the headers in /usr/include/node
(`npm_config_nodedir=/usr`). npm 11 runs no package's install script unless allowed (`allowScripts`), so the
modules that need building are approved by name and rebuilt.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from factdesk_side import CallbackListener, Factdesk, Report, exit_on_sigterm, http, wait_for

NPM_ENV = {"npm_config_nodedir": "/usr", **os.environ,  # the caller's own nodedir wins
           "npm_config_fund": "false", "npm_config_audit": "false", "npm_config_update_notifier": "false"}


def run(cmd: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None, timeout: float = 1800) -> float:
    """Run `cmd` in `cwd`, appending its output to `log`; the seconds it took. Raises on a non-zero exit."""
    started = time.monotonic()
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        done = subprocess.run(cmd, cwd=cwd, env=env or NPM_ENV, stdout=out, stderr=subprocess.STDOUT,
                              timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({done.returncode}); see {log}")
    return time.monotonic() - started


def build_native(app: Path, log: Path, packages: list[str]) -> float:
    """Approve and compile `packages`' install scripts (npm 11 skips them otherwise); seconds taken."""
    seconds = 0.0
    for name in packages:
        seconds += run(["npm", "install-scripts", "approve", name], app, log)
        seconds += run(["npm", "rebuild", name, "--foreground-scripts"], app, log)
    return seconds


class Background:
    """A long-running process (the CMS), its output in `log`; stopped with its process group."""

    def __init__(self, cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)


def begin(name: str, description: str, install: Callable[..., float],
          version: str | None = None) -> tuple[Path, Report]:
    """A run's start: its options (--scratch, default /tmp/e2e/NAME, and --version where the script pins one),
    the CMS installed there (or found installed) and said so; the scratch folder and the run's report."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/e2e") / name)
    if version is not None:
        parser.add_argument("--version", default=version)
    args = parser.parse_args()
    exit_on_sigterm()
    pinned = (args.version,) if version is not None else ()
    seconds = install(args.scratch, *pinned)
    print(f"[{name}] {' '.join((name.title(), *pinned))} "
          + (f"installed in {seconds:.0f} s" if seconds else "already installed"))
    return args.scratch, Report(name)


def answers(url: str, ok: tuple[int, ...] = (200,)) -> bool:
    """Whether a GET of `url` answers one of the `ok` statuses now: a server's readiness probe."""
    try:
        return http("GET", url, timeout=2)[0] in ok
    except OSError:
        return False


def came_up(cms: Background, url: str, ok: tuple[int, ...] = (200,), timeout: float = 240) -> bool:
    """Wait until the CMS answers at `url`, or its process has died; whether it is up."""
    return bool(wait_for(lambda: not cms.alive() or answers(url, ok), timeout=timeout, interval=2)) and cms.alive()


def shut_down(listener: CallbackListener, fd: Factdesk, cms: Background | None) -> None:
    """A run's end, however it ended: the callback listener, factdesk, then the CMS."""
    listener.close()
    fd.stop()
    if cms is not None:
        cms.stop()

