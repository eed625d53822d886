"""What an ops reader checks in the deployment files (no Docker engine runs here, so the files are read as data):
every long-running service has a real health check and starts after what it needs is healthy, images are pinned,
Flower is not published without auth, secrets come from an env file that lists every setting and never reaches
the image."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
# An exact version (postgres:16.4-bookworm, python:3.11.10-slim-bookworm) or a digest.
PINNED = re.compile(r"^[\w./-]+:(\d+\.\d+\.\d+|\d+\.\d+)(-[\w.-]+)?(@sha256:[0-9a-f]{64})?$|@sha256:[0-9a-f]{64}$")


def command_text(value: object) -> str:
    return " ".join(value) if isinstance(value, list) else str(value or "")


def long_running() -> dict[str, dict]:
    return {name: s for name, s in SERVICES.items() if s.get("restart") != "no"}


def test_every_long_running_service_has_a_health_check():
    for name, service in long_running().items():
        check = service.get("healthcheck") or {}
        assert not check.get("disable") and check.get("test"), f"{name} has no health check"


@pytest.mark.parametrize(("service", "probe"), [
    ("api", "/readyz"),
    ("worker", "health worker --node celery@$$HOSTNAME"),
    ("beat", "health beat"),
    ("postgres", "pg_isready"),
    ("redis", "redis-cli ping"),
])
def test_each_health_check_probes_what_makes_the_service_useful(service, probe):
    assert probe in command_text(SERVICES[service]["healthcheck"]["test"])


def test_services_start_only_once_what_they_need_is_healthy_or_done():
    for name, service in SERVICES.items():
        needs = service.get("depends_on") or {}
        assert isinstance(needs, dict), f"{name}: depends_on without a condition"
        for other, how in needs.items():
            wanted = "service_completed_successfully" if SERVICES[other].get("restart") == "no" else "service_healthy"
            assert how.get("condition") == wanted, f"{name} -> {other}"
    assert set(SERVICES["api"]["depends_on"]) >= {"postgres", "redis", "migrate"}


def test_images_are_pinned_by_exact_version_or_digest():
    for name, service in SERVICES.items():
        image = service.get("image", "")
        if "build" in service:
            assert image and not image.endswith(":latest"), f"{name} builds an image tagged {image!r}"
        else:
            assert PINNED.search(image), f"{name} uses {image!r}: pin an exact version or a digest"
    bases = re.findall(r"^FROM\s+(\S+)", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert bases and all(PINNED.search(base) for base in bases), bases


def test_flower_is_neither_published_nor_open():
    for name, service in SERVICES.items():
        if "flower" in command_text(service.get("command")):
            assert not service.get("ports"), f"{name} publishes Flower"
            assert "basic-auth" in command_text(service["command"]) or service["environment"].get("FLOWER_BASIC_AUTH")


def test_only_the_api_is_published():
    assert {name for name, service in SERVICES.items() if service.get("ports")} == {"api"}


def test_secrets_come_from_the_env_file_never_from_the_compose_file():
    for name, service in SERVICES.items():
        if "build" in service:
            assert ".env" in [e["path"] if isinstance(e, dict) else e for e in service["env_file"]], name
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN|AUTH", key):
                assert str(value).startswith("${") and ":?" in str(value), f"{name}: {key} is written in the file"
            assert not re.search(r"://[^:/@]+:(?!\$\{)[^@]+@", str(value)), f"{name}: {key} holds a password"


def test_the_env_example_lists_every_setting_and_no_secret():
    example = (ROOT / ".env.example").read_text()
    read = set(re.findall(r'"(FACTDESK_[A-Z_]+)"', (ROOT / "src/factdesk/config.py").read_text()))
    assert read and read <= set(re.findall(r"FACTDESK_[A-Z_]+", example)), read - set(example.split())
    interpolated = set(re.findall(r"\$\{(\w+)", (ROOT / "docker-compose.yml").read_text()))
    assert interpolated <= set(re.findall(r"^#? ?(\w+)=", example, flags=re.MULTILINE))
    for line in example.splitlines():
        key, _, value = line.partition("=")
        if re.search(r"PASSWORD|SECRET|TOKEN|AUTH", key) and not key.startswith("#"):
            assert value == "", f"{key} has a value in .env.example"
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_the_image_gets_no_environment_history_or_secrets():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var", ".env", "**/__pycache__", "tests"} <= ignored
