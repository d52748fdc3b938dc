"""The `linkbrief` command as a user runs it: a real process, a real local site, a real database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from articles import HARBOUR, HARBOUR_TITLE, ORCHARD_TITLE, article_html
from clirun import article_pages, clean_env, run_cli, summarize_pages
from sqlalchemy import Connection

from bot.settings import sqlite_file
from bot.store import lookup
from bot.store.db import Database, read_sqlite_at_newest
from bot.store.models import Base
from bot.store.stored_text import StoredText


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


async def test_a_stored_url_is_answered_as_the_pipeline_answered_it(env: dict, tmp_path: Path) -> None:
    """The store's answer (read without the ORM models, bot.store.lookup) is the pipeline's, field for field, on
    both databases: the date and the JSON columns (key points, questions, the page's own FAQ) come back in their
    types. Only what tells the two apart differs: nothing was fetched, and the article was seen before."""
    faq = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": "When does the night ferry run?",
                "acceptedAnswer": {"@type": "Answer", "text": "Every hour between midnight and five."},
            }
        ],
    }
    page = article_html(
        HARBOUR_TITLE, HARBOUR, extra_head=f'<script type="application/ld+json">{json.dumps(faq)}</script>'
    )
    [first] = (await summarize_pages({"/ferries": page}, env, tmp_path)).values()
    assert first["error"] is None
    assert first["page_qa"] == [
        {"question": "When does the night ferry run?", "answer": "Every hour between midnight and five."}
    ]
    assert first["published"] == "2026-03-03"
    assert first["key_points"]
    assert first["qa"]
    # The site is gone: only the store can answer now.
    stored = await run_cli("summarize", first["url"], "--json", env=env, cwd=tmp_path)
    assert stored.code == 0, stored.stderr
    assert stored.json_lines() == [first | {"final_url": None, "duplicate_of": first["article_id"]}]
    human = await run_cli("summarize", first["url"], env=env, cwd=tmp_path)
    assert human.code == 0, human.stderr
    assert human.stdout.startswith(f"{HARBOUR_TITLE}\n")
    assert f"(seen before: article #{first['article_id']})" in human.stdout
    assert "TL;DR" in human.stdout


def test_the_lookup_reads_the_models_columns_in_their_types() -> None:
    """bot.store.lookup names its tables without the models: each column it reads is the model's, same type (a
    result is converted by its column's type: a date, JSON)."""
    for light in (lookup.ARTICLES, lookup.ARTICLE_URLS, lookup.SUMMARIES):
        table = Base.metadata.tables[light.name]
        for column in light.columns:
            declared = table.c[column.name].type
            # The type under a decorator that only re-labels what is read (UTCDateTime's timezone) will do;
            # a decorator that changes what is stored (StoredText's compression) must be read by itself.
            expected = declared if isinstance(declared, StoredText) else getattr(declared, "impl", declared)
            assert type(column.type) is type(expected), (light.name, column.name)


async def test_sqlite_is_read_directly_only_at_the_newest_schema(sqlite_url: str) -> None:
    """What answers a stored URL before the database layer is loaded reads a SQLite file only when it exists and
    is migrated: a missing file is not created, an empty schema not read; both are left to `Database`."""

    def count(connection: Connection) -> int | None:
        return connection.exec_driver_sql("SELECT count(*) FROM articles").scalar()

    path = sqlite_file(sqlite_url)
    assert path is not None
    assert read_sqlite_at_newest(sqlite_url, count) is None
    assert not path.exists()
    database = Database(sqlite_url)
    try:
        async with database.engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE unrelated (x INTEGER)")
        assert read_sqlite_at_newest(sqlite_url, count) is None
        await database.migrate()
        assert read_sqlite_at_newest(sqlite_url, count) == 0
    finally:
        await database.dispose()


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
        (["migrate"], {"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere",
                       "LINKBRIEF_DATABASE_WAIT": "0"}, 1,
         "linkbrief: the database (postgresql+asyncpg://127.0.0.1:1/nowhere) did not answer for 0 s"),
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
