"""The container files are correct by reading: Docker cannot build or run on the machines this suite runs on.

`compose.yaml` is checked against the Compose Specification's JSON schema (`tests/data/compose-spec.json`, the
schema docker-compose 1.29.2 shipped, Apache-2.0), and for what a schema cannot see: every service reports its
health, linkbrief waits for a healthy database, each command is a real `linkbrief` subcommand with options it
accepts, and every setting `.env.example` names is one linkbrief (or the compose file) reads. hadolint checks the
Dockerfile in `.ci/run`; here, that the image runs the Python version CI tests.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.cli import build_parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    schema = json.loads((Path(__file__).parent / "data" / "compose-spec.json").read_text())
    jsonschema.validate(COMPOSE, schema, cls=jsonschema.Draft201909Validator)


def test_every_service_reports_its_health() -> None:
    missing = [name for name, service in COMPOSE["services"].items() if "healthcheck" not in service]
    assert not missing


@pytest.mark.parametrize(
    "name", [n for n, s in COMPOSE["services"].items() if s.get("image", "").startswith("linkbrief")]
)
def test_linkbrief_services_run_real_commands_after_a_healthy_database(name: str) -> None:
    service = COMPOSE["services"][name]
    program, *argv = service["command"]
    assert program == "linkbrief"
    build_parser().parse_args(argv)  # exits (SystemExit) on an unknown subcommand or option
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert service["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")


def _setting_names() -> set[str]:
    names = set()
    prefix = Settings.model_config.get("env_prefix", "")
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif alias is not None:
            names.update(str(choice) for choice in alias.choices)  # type: ignore[union-attr]
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def test_env_example_names_only_settings_that_are_read() -> None:
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    compose_vars = set(re.findall(r"\$\{([A-Z0-9_]+)", (ROOT / "compose.yaml").read_text()))
    assert named
    assert named - _setting_names() - compose_vars == set()


def test_the_image_runs_the_python_version_ci_tests() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    versions = set(re.findall(r"^FROM python:(\d+\.\d+)", dockerfile, re.M))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert versions == {pyproject["tool"]["mypy"]["python_version"]}


def test_the_build_context_leaves_out_the_virtual_environment() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "*" in ignored  # everything out, then the four paths the build copies back in
    assert {"!pyproject.toml", "!README.md", "!bot/", "!migrations/"} <= set(ignored)


def test_compose_runs_serve_and_a_worker_on_the_same_database() -> None:
    services = COMPOSE["services"]
    assert services["serve"]["command"][:2] == ["linkbrief", "serve"]
    assert services["worker"]["command"][:2] == ["linkbrief", "worker"]
    assert services["worker"]["environment"]["DATABASE_URL"] == services["serve"]["environment"]["DATABASE_URL"]
    # One queue in PostgreSQL for both: a worker beside an embedded-queue serve would never get a share.
    assert services["worker"]["environment"]["LINKBRIEF_QUEUE"] == "procrastinate"
    assert services["serve"]["environment"]["LINKBRIEF_QUEUE"] == "procrastinate"
    assert services["worker"]["env_file"] == services["serve"]["env_file"]
    assert "profiles" not in services["worker"]  # started by a plain `docker compose up`


@pytest.mark.parametrize(
    "name", [n for n, s in COMPOSE["services"].items() if s.get("image", "").startswith("linkbrief")]
)
def test_each_linkbrief_health_check_asks_the_port_its_command_serves(name: str) -> None:
    service = COMPOSE["services"][name]
    args = build_parser().parse_args(service["command"][1:])
    probe = " ".join(service["healthcheck"]["test"])
    assert f"http://127.0.0.1:{args.port}/healthz" in probe
