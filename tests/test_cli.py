"""The `linkbrief` command as a user runs it: a real process, a real local site, a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from articles import HARBOUR, HARBOUR_TITLE, ORCHARD_TITLE
from clirun import article_pages, clean_env, run_cli

from bot.store.db import Database


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async with article_pages() as base_url:
        yield base_url


@pytest.fixture
def env(tmp_path: Path, database: Database) -> dict[str, str]:
    return clean_env(tmp_path, DATABASE_URL=database.url, LINKBRIEF_FETCH_ALLOW_PRIVATE="1")


async def test_summarize_json_prints_one_object_per_url(site: str, env: dict, tmp_path: Path) -> None:
    result = await run_cli("summarize", f"{site}/ferries?utm_source=x", "--json", env=env, cwd=tmp_path)
    assert result.code == 0, result.stderr
    [line] = result.json_lines()
    assert line["title"] == HARBOUR_TITLE
    assert line["canonical_url"] == f"{site}/ferries"
    assert line["duplicate_of"] is None
    assert line["error"] is None
    assert line["text"].startswith(HARBOUR[0][:50])
    assert isinstance(line["article_id"], int)
    assert line["summarizer"].startswith("extractive")
    assert line["tldr"]
    assert 2 <= len(line["key_points"]) <= 4
    assert "Traceback" not in result.stderr


async def test_several_urls_keep_their_order_and_fail_the_exit_code(site: str, env: dict, tmp_path: Path) -> None:
    urls = [f"{site}/ferries", f"{site}/missing", f"{site}/orchards", f"{site}/ferries/"]
    result = await run_cli("summarize", *urls, "--json", env=env, cwd=tmp_path)
    assert result.code == 1
    lines = result.json_lines()
    assert [line["url"] for line in lines] == urls
    assert [line["error"]["code"] if line["error"] else None for line in lines] == [None, "http_error", None, None]
    assert lines[1]["error"]["status"] == 404
    assert lines[3]["duplicate_of"] == lines[0]["article_id"]
    assert "4/4" not in result.stderr  # stderr is a pipe here: no progress bar (tests/test_cli_help.py)
    assert "Traceback" not in result.stderr


async def test_human_output_shows_the_summary(site: str, env: dict, tmp_path: Path) -> None:
    result = await run_cli("summarize", f"{site}/orchards", env=env, cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(ORCHARD_TITLE)
    assert "TL;DR" in result.stdout
    assert "Key points" in result.stdout
    failed = await run_cli("summarize", "ftp://example.com/x", env=env, cwd=tmp_path)
    assert failed.code == 1
    assert "Only http and https links can be read" in failed.stdout
    assert "(bad_url)" in failed.stdout


async def test_search_finds_what_summarize_stored(site: str, env: dict, tmp_path: Path) -> None:
    await run_cli("summarize", f"{site}/ferries", f"{site}/orchards", "--json", env=env, cwd=tmp_path)
    result = await run_cli("search", "apple", "varieties", "--json", env=env, cwd=tmp_path)
    assert result.code == 0, result.stderr
    hits = result.json_lines()
    assert hits
    assert hits[0]["title"] == ORCHARD_TITLE
    assert all(hit["title"] != HARBOUR_TITLE for hit in hits)
    human = await run_cli("search", "ferry", "--limit", "1", env=env, cwd=tmp_path)
    assert HARBOUR_TITLE in human.stdout
    nothing = await run_cli("search", "zeppelin", env=env, cwd=tmp_path)
    assert nothing.code == 0
    assert nothing.stdout == ""
    assert "no matches" in nothing.stderr


async def test_no_settings_at_all_uses_sqlite_in_the_user_data_dir(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    result = await run_cli("migrate", env=env, cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert (tmp_path / "xdg-data" / "linkbrief" / "linkbrief.db").is_file()
    assert "up to date" in result.stdout


@pytest.mark.parametrize(
    ("args", "extra_env", "code", "reason"),
    [
        (["migrate"], {"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"}, 1,
         "linkbrief: cannot open the database"),
        (["migrate"], {"DATABASE_URL": "mysql://nobody@127.0.0.1/x"}, 2, "linkbrief: invalid setting DATABASE_URL"),
        (["summarize", "https://example.com"], {"LINKBRIEF_SUMMARIZER": "gpt"}, 2,
         "linkbrief: invalid setting LINKBRIEF_SUMMARIZER"),
        (["summarize", "https://example.com"], {"LINKBRIEF_FETCH_MAX_BYTES": "lots"}, 2,
         "linkbrief: invalid setting LINKBRIEF_FETCH_MAX_BYTES"),
        (["search", "x", "--limit", "0"], {}, 1, "linkbrief: --limit must be at least 1"),
    ],
)  # fmt: skip
async def test_failures_exit_non_zero_with_one_line(
    tmp_path: Path, args: list[str], extra_env: dict[str, str], code: int, reason: str
) -> None:
    result = await run_cli(*args, env=clean_env(tmp_path, **extra_env), cwd=tmp_path)
    assert result.code == code
    assert result.stderr.startswith(reason)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
