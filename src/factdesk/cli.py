"""The `factdesk` command: run the service, manage users, tokens and integrations, extract claims."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import click

from .config import ConfigError, Settings


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """factdesk: editorial fact-check workflow service."""


# --- database -----------------------------------------------------------------------------------

@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations (safe to repeat)."""
    from .migrate import upgrade

    settings = _settings()
    settings.ensure_data_dir()
    upgrade(settings.database_url, revision)
    click.echo(f"database at {_redact(settings.database_url)} is up to date")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable url>"


# --- the fact memory ----------------------------------------------------------------------------

@main.group()
def memory() -> None:
    """The fact memory: earlier verdicts matched to claims."""


@memory.command("rebuild")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="Claims per transaction.")
@click.option("--restart", is_flag=True, help="Start from the first claim, not where an interrupted run stopped.")
def memory_rebuild(batch: int, restart: bool) -> None:
    """Recompute the matches of every stored claim, in batches (after an upgrade, or a change to the matching
    rules; a changed shelf life needs none), then give the claims still waiting the checks recorded after them.
    Resumable: each batch commits and is checkpointed, and a run interrupted goes on from its checkpoint when
    started again."""
    from .runtime import Runtime
    from .services.memory_rebuild import claims_to_rebuild, rebuild_batch, recheck_batch

    settings = _settings()
    settings.ensure_data_dir()
    checkpoint = settings.data_dir / "memory-rebuild.checkpoint"
    # "PASS ID": the pass and the last claim it finished; a bare id is a first-pass checkpoint of an older release.
    saved = [] if restart or not checkpoint.exists() else checkpoint.read_text().split()
    start_pass, after = (saved[0], int(saved[1])) if len(saved) == 2 else ("claims", int(saved[0]) if saved else 0)
    sessions = Runtime(settings).sessions
    if after:
        click.echo(f"resuming after claim {after}")
    totals = {"claims": 0, "exact": 0, "near": 0, "later": 0}
    if start_pass == "claims":
        with click.progressbar(length=claims_to_rebuild(sessions, after), label="matching claims",
                               file=sys.stderr) as bar:
            while (done := rebuild_batch(sessions, after, batch)) is not None:
                after = done.last_id
                totals["claims"] += done.claims
                totals["exact"] += done.exact
                totals["near"] += done.near
                checkpoint.write_text(f"claims {after}")
                bar.update(done.claims)
        after = 0
    while (done := recheck_batch(sessions, after, batch)) is not None:
        after = done.last_id
        totals["later"] += done.exact
        checkpoint.write_text(f"waiting {after}")
    checkpoint.unlink(missing_ok=True)
    click.echo(f"{totals['claims']} claims matched again: {totals['exact']} exact matches, {totals['near']} near "
               f"matches; {totals['later']} exact matches from checks recorded after the claims they match")


# --- users and tokens ---------------------------------------------------------------------------

def _service_call(fn):
    """Call a service with this process's session factory; a service's refusal becomes the command's error."""
    from .runtime import Runtime
    from .services.errors import ServiceError

    try:
        return fn(Runtime(_settings()).sessions)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None


@main.group()
def user() -> None:
    """Users and roles."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True,
              type=click.Choice(["reporter", "checker", "editor", "admin", "integration"]))
@click.option("--desk", default=None, help="The desk (politics, business, ...); none means every desk.")
@click.option("--password-stdin", is_flag=True,
              help="Read a password for the desk pages from standard input (never from the command line).")
def user_add(name: str, role: str, desk: str | None, password_stdin: bool) -> None:
    """Create a user."""
    from .services.users import add_user, check_password, set_password

    password = _read_password() if password_stdin else None
    if password is not None:
        _service_call(lambda _: check_password(password))
    _service_call(lambda s: add_user(s, name, role, desk))
    if password is not None:
        _service_call(lambda s: set_password(s, name, password))
    click.echo(f"user {name} ({role}{', desk ' + desk if desk else ''}) created"
               + (", with a password for the desk pages" if password is not None else ""))


@user.command("password")
@click.argument("name")
def user_password(name: str) -> None:
    """Set NAME's password for the desk pages, read from standard input (asked for twice on a terminal)."""
    from .services.users import set_password

    password = _read_password()
    _service_call(lambda s: set_password(s, name, password))
    click.echo(f"password of {name} set")


def _read_password() -> str:
    """A password from standard input: prompted for (twice, unechoed) on a terminal, else its first line."""
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("issue")
@click.argument("name")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Expire after this many days.")
@click.option("--label", default=None)
def token_issue(name: str, days: int | None, label: str | None) -> None:
    """Print a new API token for user NAME; only its hash is stored, so keep it now."""
    from datetime import timedelta

    from .models import utcnow
    from .services.users import issue_token

    expires = utcnow() + timedelta(days=days) if days else None
    issued = _service_call(lambda s: issue_token(s, name, expires_at=expires, label=label))
    click.echo(issued.token)


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID."""
    from .services.users import revoke_token

    _service_call(lambda s: revoke_token(s, token_id))
    click.echo(f"token {token_id} revoked")


# --- CMS integrations ---------------------------------------------------------------------------

_FORMATS = ["generic", "ghost", "strapi", "directus", "contentful", "wordpress"]
_SCHEMES = ["factdesk", "ghost", "contentful", "wpwebhooks", "bearer"]


@main.group()
def integration() -> None:
    """CMS integrations: the save hook's formats, secrets and callback URLs."""


@integration.command("add")
@click.argument("name")
@click.option("--secret", required=True, help="The webhook secret (at least 16 characters).")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="generic", show_default=True)
@click.option("--scheme", type=click.Choice(_SCHEMES), default=None,
              help="Signature scheme (default: the one the format's CMS uses).")
@click.option("--callback-url", default=None, help="Where gate.opened/gate.closed/verdict.blocking are POSTed.")
def integration_add(name: str, secret: str, fmt: str, scheme: str | None, callback_url: str | None) -> None:
    """Register a CMS; its save hook is POST /api/v1/webhooks/cms/NAME."""
    from .services.integrations import add_integration

    row = _service_call(lambda s: add_integration(s, name, secret, fmt=fmt, scheme=scheme, callback_url=callback_url))
    click.echo(f"integration {name} ({row.format}, {row.scheme}) added: POST /api/v1/webhooks/cms/{name}")


@integration.command("rotate")
@click.argument("name")
@click.option("--secret", default=None, help="The new secret; the previous one stays valid until --finish.")
@click.option("--finish", is_flag=True, help="End the rotation: only the newest secret stays valid.")
def integration_rotate(name: str, secret: str | None, finish: bool) -> None:
    """Rotate NAME's secret without downtime: add the new one (both valid), switch the CMS, then --finish."""
    from .services.integrations import retire_old_secret, rotate_secret

    if finish == (secret is not None):
        raise click.UsageError("give either --secret NEW or --finish")
    if secret is None:
        _service_call(lambda s: retire_old_secret(s, name))
        click.echo(f"integration {name}: only the newest secret is valid now")
    else:
        new_secret = secret
        _service_call(lambda s: rotate_secret(s, name, new_secret))
        click.echo(f"integration {name}: new secret is current; the previous one stays valid until --finish")


@integration.command("options")
@click.argument("name")
@click.option("--on-unapproved", type=click.Choice(["report", "revert"]), default=None,
              help="What to do when the CMS publishes a text the gate did not clear (always reported).")
@click.option("--api-url", default=None, help="The CMS's base URL, for reverting.")
@click.option("--api-key", default=None, help="The CMS credential for reverting (Ghost Admin API key id:secret, "
              "Strapi or Directus token).")
@click.option("--status-field", default=None, help="Directus: the field that says an item is live.")
@click.option("--published-value", default=None, help="Directus: its value when the item is live.")
@click.option("--draft-value", default=None, help="Directus: the value a revert sets (default draft).")
@click.option("--collection", default=None, help="Strapi: the documents' content-type uid (api::article.article).")
@click.option("--clear", "clear", multiple=True, help="Remove an option (repeatable), e.g. --clear api_key.")
def integration_options(name: str, clear: tuple[str, ...], **given: str | None) -> None:
    """Set NAME's options: how its CMS says an item is live, and whether to revert unapproved publications."""
    from .services.integrations import set_options

    changes: dict[str, str | None] = {key: value for key, value in given.items() if value is not None}
    changes.update({key: None for key in clear})
    row = _service_call(lambda s: set_options(s, name, changes))
    shown = {k: ("***" if k == "api_key" else v) for k, v in sorted(row.options.items())}
    click.echo(f"integration {name} options: {shown or '{}'}")


@integration.command("list")
def integration_list() -> None:
    """List integrations (secrets are not shown)."""
    from .services.integrations import list_integrations

    for row in _service_call(list_integrations):
        click.echo(f"{row.name}\t{row.format}\t{row.scheme}\t{len(row.secrets)} secret(s)\t{row.callback_url or '-'}")


# --- extraction ---------------------------------------------------------------------------------

_SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="text", show_default=True)
@click.option("--input-format", type=click.Choice(["text", "html", "markdown"]), default=None,
              help="Default: from the file's suffix.")
@click.option("--reference-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date relative dates are read against (YYYY-MM-DD). Default: today in UTC, as the server.")
def extract(file: Path, output: str, input_format: str | None, reference_date) -> None:
    """Print the claims of a text, HTML or Markdown FILE; no server needed."""
    from .extraction import default_reference_date, render_table
    from .extraction import extract as run_extraction

    fmt = input_format or _SUFFIX_FORMATS.get(file.suffix.lower(), "text")
    try:
        body = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text") from None
    ref: date = reference_date.date() if reference_date else default_reference_date()
    result = run_extraction(body, fmt=fmt, reference_date=ref)
    if output == "json":
        click.echo(json.dumps([c.to_dict() for c in result.claims], ensure_ascii=False, indent=1))
    else:
        click.echo(render_table(result.claims))


# --- processes ----------------------------------------------------------------------------------

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes")
@click.option("--threads", default=16, show_default=True, type=int,
              help="threads per worker (gthread); concurrent CMS saves in one process share a commit, so more "
                   "threads mean larger commits (bench/ingest.py: 16 threads took 30 % more saves/s than 4)")
def api(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the API with gunicorn."""
    settings = _settings()  # a bad setting stops here, with its name, before any worker boots
    # No gunicorn access log: the app logs each request itself (factdesk.access), with its request id.
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
                               "--workers", str(workers), "--threads", str(threads),
                               "--worker-class", "factdesk.wiring.gunicorn_worker.JsonErrorsWorker",
                               "--log-level", settings.log_level.lower(),
                               "--logger-class", "factdesk.wiring.gunicorn_logging.FactdeskLogger",
                               "--graceful-timeout", "20", "factdesk.wsgi:app"])


def _celery_argv(settings: Settings, command: str) -> list[str]:
    """Celery's command line for `command`, logging in factdesk's format from its first line (Celery warns
    before it sets up logging); JSON logs leave out its banner, which is not a log line."""
    import logging

    from .logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    logging.captureWarnings(True)
    return (["--quiet"] if settings.log_format == "json" else []) + [command, "--loglevel", settings.log_level]


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--concurrency", "-c", default=None, type=int, help="Worker processes (default: CPUs).")
@click.option("--beat", "-B", is_flag=True, help="Also run the periodic scheduler in this process.")
@click.option("--queues", "-Q", default="factdesk", show_default=True, help="Queues this worker consumes.")
@click.option("--large-concurrency", default=1, show_default=True, type=int,
              help="Processes of a second worker, started alongside, for the extract_large queue (large "
                   "drafts); 0 starts none and this worker consumes extract_large itself.")
@click.pass_context
def worker(ctx: click.Context, concurrency: int | None, beat: bool, queues: str, large_concurrency: int) -> None:
    """Run a Celery worker (extra arguments go to `celery worker`), and by default a second one, in a child
    process, for the extraction of large drafts, so that one never holds back the inbox or small drafts."""
    from .celery_app import LARGE_QUEUE, create_celery

    settings = _settings()  # a bad setting stops here, before the large-draft worker is started
    large: subprocess.Popen[bytes] | None = None
    if large_concurrency > 0 and LARGE_QUEUE not in queues.split(","):
        # One job per child process: a large draft's extraction grows a process by hundreds of MB that Python
        # keeps; a fresh child per job gives it back (bench/soak.py), for a second of loading the model.
        large = subprocess.Popen([sys.executable, "-m", "factdesk.cli", "worker", "--queues", LARGE_QUEUE,
                                  "--concurrency", str(large_concurrency), "--large-concurrency", "0",
                                  "--hostname", f"large-{os.getpid()}@%h", "--max-tasks-per-child", "1"])
    elif large_concurrency <= 0 and LARGE_QUEUE not in queues.split(","):
        queues += "," + LARGE_QUEUE
    argv = _celery_argv(settings, "worker") + ["-Q", queues]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    if beat:
        argv += ["--beat"]
    try:
        create_celery(settings).worker_main(argv + list(ctx.args))
    finally:
        if large is not None and large.poll() is None:
            large.terminate()  # a warm shutdown: its running extraction is redelivered (acks_late)
            try:
                large.wait(timeout=30)
            except subprocess.TimeoutExpired:
                large.kill()


@main.command()
def beat() -> None:
    """Run the periodic scheduler (the outbox sweep); run exactly one."""
    from .celery_app import create_celery

    settings = _settings()
    create_celery(settings).start(_celery_argv(settings, "beat"))


# --- health checks ------------------------------------------------------------------------------

@main.group()
def health() -> None:
    """Health checks for containers and supervisors: exit 0 when healthy, else 1 with the reason."""


@health.command("api")
@click.option("--url", default="http://127.0.0.1:8000/readyz", show_default=True)
@click.option("--timeout", default=5.0, show_default=True, type=float)
def health_api(url: str, timeout: float) -> None:
    """The API answers GET /readyz with 200: it is up, and reaches its database and its broker."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - an operator's URL
            status = response.status
    except urllib.error.HTTPError as exc:
        raise click.ClickException(f"{url} answered {exc.code}: {exc.read(500).decode(errors='replace')}") from None
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{url}: {exc}") from None
    click.echo(f"{url}: {status}")


@health.command("worker")
@click.option("--node", "nodes", multiple=True,
              help="A worker's node name (repeatable); default: celery@<this host's name>, as `factdesk worker` "
                   "names itself.")
@click.option("--timeout", default=5.0, show_default=True, type=float)
def health_worker(nodes: tuple[str, ...], timeout: float) -> None:
    """The worker answers a ping through the broker (`celery inspect ping -d celery@$HOSTNAME`). Needs a
    broker with remote control (Redis); the embedded broker has none."""
    import socket

    from .celery_app import create_celery

    wanted = list(nodes) or [f"celery@{socket.gethostname()}"]
    replies = create_celery(_settings()).control.ping(destination=wanted, timeout=timeout) or []
    answered = {name for reply in replies for name in reply}
    missing = [name for name in wanted if name not in answered]
    if missing:
        raise click.ClickException(f"no answer from {', '.join(missing)} within {timeout:g} s")
    click.echo(f"pong from {', '.join(wanted)}")


@health.command("beat")
@click.option("--max-age", type=float, default=None,
              help="Seconds; default: 3 sweep intervals, at least 60.")
def health_beat(max_age: float | None) -> None:
    """The scheduler ticked recently: its heartbeat file (in FACTDESK_DATA_DIR) is fresh."""
    from .celery_app import beat_heartbeat_path

    settings = _settings()
    path = beat_heartbeat_path(settings)
    limit = max_age if max_age is not None else max(60.0, 3 * settings.sweep_interval_seconds)
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        raise click.ClickException(f"no beat heartbeat at {path}: beat has not run here") from None
    if age > limit:
        raise click.ClickException(f"beat last ticked {age:.0f} s ago (more than {limit:g} s)")
    click.echo(f"beat ticked {age:.0f} s ago")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def run(host: str, port: int) -> None:
    """API, worker and scheduler on this machine (the embedded default); Ctrl-C stops all three."""
    from .migrate import upgrade

    settings = _settings()
    settings.ensure_data_dir()
    upgrade(settings.database_url)
    exe = [sys.executable, "-m", "factdesk.cli"]
    # Logs for a person at a terminal unless FACTDESK_LOG_FORMAT says otherwise (production's default is JSON).
    env = {**os.environ, "FACTDESK_LOG_FORMAT": os.environ.get("FACTDESK_LOG_FORMAT") or "text"}
    procs = [
        subprocess.Popen(exe + ["worker", "--beat", "--concurrency", "2"], env=env),
        subprocess.Popen(exe + ["api", "--host", host, "--port", str(port), "--workers", "2"], env=env),
    ]
    click.echo(f"factdesk is serving http://{host}:{port}  (API docs: http://{host}:{port}/api/v1/docs)")
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop and all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    codes = [p.returncode for p in procs]
    if not stop and any(codes):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
