"""The command line that answers at once: help for every command, progress only for a person, lazy imports.

Timings are a benchmark's business (benchmarks/startup.py); what is tested here is what makes them: `--help`
loads neither the settings nor the database layer, and a URL already stored is answered without importing the
pipeline. Each check runs the real command as a process.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from articles import HARBOUR_TITLE
from clirun import article_pages, clean_env, run_cli

from bot.cli import COMMAND_SETTINGS, build_parser
from bot.settings import Settings

COMMANDS = ["serve", "summarize", "search", "worker", "migrate"]


def _setting_names() -> set[str]:
    names = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif alias is not None:
            names.add(str(alias.choices[0]))  # type: ignore[union-attr]  # the others are former names, still read
        else:
            names.add(f"LINKBRIEF_{field_name}".upper())
    return names


def test_the_parser_knows_exactly_the_commands_that_list_their_settings() -> None:
    parser = build_parser()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    assert set(commands.choices) == set(COMMAND_SETTINGS) == set(COMMANDS)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_listed_setting_is_one_the_settings_read(command: str) -> None:
    names = _setting_names()
    for listed in COMMAND_SETTINGS[command]:
        if listed.endswith("*"):
            assert any(name.startswith(listed[:-1]) for name in names), listed
        else:
            assert listed in names, listed


def test_every_setting_is_listed_by_a_command() -> None:
    """A setting added to `Settings` but to no command's list would be missing from every --help."""
    listed = [name for names in COMMAND_SETTINGS.values() for name in names]

    def covered(name: str) -> bool:
        return any(name == entry or (entry.endswith("*") and name.startswith(entry[:-1])) for entry in listed)

    assert sorted(name for name in _setting_names() if not covered(name)) == []


@pytest.mark.parametrize("command", COMMANDS)
async def test_each_command_help_describes_it_and_lists_its_settings(tmp_path: Path, command: str) -> None:
    result = await run_cli(command, "--help", env=clean_env(tmp_path), cwd=tmp_path)
    assert result.code == 0, result.stderr
    usage, description, *_ = result.stdout.split("\n\n")
    assert usage.startswith(f"usage: linkbrief {command}")
    assert len(description.split()) >= 12  # a description, not just the one-line summary
    settings = result.stdout.split('settings read (environment or .env; README, "Settings"):\n', 1)[1]
    listed = [name.strip() for name in settings.replace("\n", " ").split(",")]
    assert listed == list(COMMAND_SETTINGS[command])
    assert "DATABASE_URL" in listed or (command == "serve" and "DATABASE_URL" in settings)
    assert all(len(line) <= 100 for line in result.stdout.splitlines())


async def test_the_summary_help_names_no_progress(tmp_path: Path) -> None:
    result = await run_cli("summarize", "--help", env=clean_env(tmp_path), cwd=tmp_path)
    assert "--no-progress" in result.stdout
    assert "on a terminal" in result.stdout


def test_help_loads_neither_settings_nor_database_nor_pipeline() -> None:
    heavy = ("pydantic_settings", "sqlalchemy", "alembic", "structlog", "bot.pipeline.runner", "trafilatura", "tqdm")
    probe = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stderr.strip() == "[]"
    assert "usage: linkbrief" in result.stdout


async def test_a_stored_url_is_answered_without_importing_the_pipeline(tmp_path: Path, sqlite_url: str) -> None:
    env = clean_env(tmp_path, DATABASE_URL=sqlite_url, LINKBRIEF_FETCH_ALLOW_PRIVATE="1")
    async with article_pages() as site:
        first = await run_cli("summarize", f"{site}/ferries", "--json", env=env, cwd=tmp_path)
        assert first.code == 0, first.stderr
        [stored] = first.json_lines()
    # The site is gone: only the store can answer now, and it must be the same article.
    again = await _run_with_importtime("summarize", stored["url"], "--json", env=env, cwd=tmp_path)
    assert again.code == 0, again.stderr
    [line] = [line for line in again.stdout.splitlines() if line.startswith("{")]
    answered = __import__("json").loads(line)
    assert answered["article_id"] == stored["article_id"]
    assert answered["duplicate_of"] == stored["article_id"]
    assert answered["title"] == HARBOUR_TITLE
    assert answered["tldr"] == stored["tldr"]
    imported = set(re.findall(r"import time:\s+\d+ \|\s+\d+ \|\s+(\S+)", again.stderr))
    assert "bot.store.lookup" in imported  # the probe sees imports at all
    # Neither the pipeline (nor what it reads pages with), nor the ORM models, nor the summary's word tools
    # (JSON shows the summary as stored), nor migrations: the database is at its newest revision already.
    pipeline = {"bot.pipeline.runner", "bot.pipeline.fetch", "trafilatura", "lxml", "py3langid", "numpy", "bm25s"}
    assert not imported & {*pipeline, "bot.store.models", "snowballstemmer", "alembic", "slack_sdk", "procrastinate"}
    # A URL not stored (and not reachable any more) still goes through the pipeline and says why it failed.
    new = await run_cli("summarize", stored["url"] + "?page=2", "--json", env=env, cwd=tmp_path)
    assert new.code == 1
    assert new.json_lines()[0]["error"] is not None


class _Result:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr


async def _run_with_importtime(*args: str, env: dict[str, str], cwd: Path) -> _Result:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return _Result(process.returncode, stdout.decode(), stderr.decode())


# --------------------------------------------------------------------------------------------- progress


async def _summarize_with_stderr_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run `summarize args` with stderr on a pseudo-terminal (stdout a pipe); exit code and what the tty got."""
    controller, terminal = pty.openpty()
    # A terminal has a size: tqdm draws nothing into a 0-column one.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "summarize",
            *args,
            env=env,
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=terminal,
        )
        os.close(terminal)
        terminal = -1
        chunks: list[bytes] = []
        loop = asyncio.get_running_loop()

        def read_all() -> None:
            while True:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # EIO: the child closed the terminal
                    return
                if not chunk:
                    return
                chunks.append(chunk)

        reader = loop.run_in_executor(None, read_all)
        await asyncio.wait_for(process.communicate(), timeout=120)
        await asyncio.wait_for(reader, timeout=10)
        assert process.returncode is not None
        return process.returncode, b"".join(chunks).decode(errors="replace")
    finally:
        if terminal != -1:
            os.close(terminal)
        os.close(controller)


async def test_progress_is_drawn_on_a_terminal_only(tmp_path: Path, sqlite_url: str) -> None:
    env = clean_env(tmp_path, DATABASE_URL=sqlite_url, LINKBRIEF_FETCH_ALLOW_PRIVATE="1")
    async with article_pages() as site:
        urls = [f"{site}/ferries", f"{site}/orchards"]
        piped = await run_cli("summarize", *urls, "--json", env=env, cwd=tmp_path)
        assert piped.code == 0, piped.stderr
        assert not re.search(r"\d/2 \[", piped.stderr), piped.stderr
        assert "\r" not in piped.stderr
        code, on_terminal = await _summarize_with_stderr_on_a_terminal([*urls, "--json"], env, tmp_path)
        assert code == 0, on_terminal
        assert re.search(r"\d/2 \[", on_terminal), on_terminal  # the bar, for a person watching
        code, asked_not_to = await _summarize_with_stderr_on_a_terminal([*urls, "--no-progress"], env, tmp_path)
        assert code == 0, asked_not_to
        assert not re.search(r"\d/2 \[", asked_not_to), asked_not_to
