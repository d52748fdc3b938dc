"""`linkbrief summarize` with LINKBRIEF_SUMMARIZER=llm: a real process, a local site, a fake OpenAI server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from clirun import article_pages, clean_env, run_cli
from fakeopenai import FakeOpenAI, answer, error
from test_summarize_llm import GOOD

from bot.store.db import Database


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async with article_pages() as base_url:
        yield base_url


def _llm_env(tmp_path: Path, database: Database, fake: FakeOpenAI, **extra: str) -> dict[str, str]:
    return clean_env(
        tmp_path,
        DATABASE_URL=database.url,
        LINKBRIEF_FETCH_ALLOW_PRIVATE="1",
        LINKBRIEF_SUMMARIZER="llm",
        OPENAI_BASE_URL=fake.base_url,
        OPENAI_API_KEY="sk-test",
        LINKBRIEF_LLM_MODEL="fake-model-1",
        **extra,
    )


async def test_llm_summary_end_to_end_and_a_repeat_share_makes_no_second_call(
    site: str, database: Database, tmp_path: Path
) -> None:
    async with FakeOpenAI([answer(GOOD)]) as fake:
        env = _llm_env(tmp_path, database, fake)
        first = await run_cli("summarize", f"{site}/ferries", "--json", env=env, cwd=tmp_path)
        assert first.code == 0, first.stderr
        [line] = first.json_lines()
        assert line["summarizer"] == "llm-1"
        assert line["tldr"] == GOOD["tldr"]
        assert line["key_points"] == GOOD["key_points"]
        assert len(fake.requests) == 1
        again = await run_cli("summarize", f"{site}/ferries?utm_source=x", "--json", env=env, cwd=tmp_path)
        [repeat] = again.json_lines()
        assert repeat["duplicate_of"] == line["article_id"]
        assert repeat["summarizer"] == "llm-1"
        assert len(fake.requests) == 1


async def test_a_failing_model_still_gives_the_offline_summary_marked(
    site: str, database: Database, tmp_path: Path
) -> None:
    async with FakeOpenAI([error(500)]) as fake:
        env = _llm_env(tmp_path, database, fake, LINKBRIEF_LLM_MAX_RETRIES="0")
        result = await run_cli("summarize", f"{site}/orchards", "--json", env=env, cwd=tmp_path)
        assert result.code == 0, result.stderr
        [line] = result.json_lines()
        assert line["summarizer"] == "extractive-1 (llm fallback: http 500)"
        assert line["tldr"]
        assert 2 <= len(line["key_points"]) <= 4


async def test_llm_without_a_model_is_refused_in_one_line(tmp_path: Path) -> None:
    env = clean_env(tmp_path, LINKBRIEF_SUMMARIZER="llm")
    result = await run_cli("summarize", "https://example.com/a", env=env, cwd=tmp_path)
    assert result.code == 1
    assert result.stderr.startswith("linkbrief: LINKBRIEF_SUMMARIZER=llm needs LINKBRIEF_LLM_MODEL")
    assert len(result.stderr.strip().splitlines()) == 1
