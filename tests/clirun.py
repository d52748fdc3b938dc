"""Running the `linkbrief` command as a user does: a real process, a clean environment, its output captured."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from articles import HARBOUR, HARBOUR_TITLE, ORCHARD, ORCHARD_TITLE, article_html
from localserver import serve_app


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The user's environment without any linkbrief setting, plus `extra`; data dirs point into tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINKBRIEF_", "SLACK_", "DATABASE_URL", "OPENAI_"))}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["HOME"] = str(tmp_path / "home")
    env.update(extra)
    return env


async def run_cli(*args: str, env: dict[str, str], cwd: Path) -> Result:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    return Result(process.returncode, stdout.decode(), stderr.decode())


@asynccontextmanager
async def article_pages() -> AsyncIterator[str]:
    """The pages the CLI tests read, on 127.0.0.1: `/ferries` and `/orchards`; anything else is a 404."""
    pages = {"/ferries": article_html(HARBOUR_TITLE, HARBOUR), "/orchards": article_html(ORCHARD_TITLE, ORCHARD)}
    async with serve_app(_site_app(pages)) as base_url:
        yield base_url


Page = str | tuple[bytes, str]
"""A page to serve: HTML text (served as text/html; charset=utf-8), or raw bytes with their Content-Type."""


def _site_app(pages: Mapping[str, Page]) -> web.Application:
    """An app serving `pages` by path (query string included when a key has one); anything else is a 404."""

    async def handler(request: web.Request) -> web.Response:
        page = pages.get(request.path_qs) or pages.get(request.path)
        if page is None:
            raise web.HTTPNotFound()
        if isinstance(page, str):
            return web.Response(text=page, content_type="text/html")
        body, content_type = page
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    return app


async def summarize_pages(pages: Mapping[str, Page], env: dict[str, str], cwd: Path) -> dict[str, dict]:
    """Every page through one `linkbrief summarize --json` run: the JSON line of each, by path.

    One process for many pages: starting the command costs seconds, a page costs milliseconds.
    """
    paths = list(pages)
    async with serve_app(_site_app(pages)) as base_url:
        result = await run_cli("summarize", *(base_url + path for path in paths), "--json", env=env, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.json_lines()
    assert [line["url"] for line in lines] == [base_url + path for path in paths], result.stderr
    return dict(zip(paths, lines, strict=True))


def summarize_pages_once(pages: Mapping[str, Page], tmp_path: Path) -> dict[str, dict]:
    """`summarize_pages` for a module-scoped fixture: SQLite in `tmp_path`'s data dir, its own event loop."""
    env = clean_env(tmp_path, LINKBRIEF_FETCH_ALLOW_PRIVATE="1")
    return asyncio.run(summarize_pages(pages, env, tmp_path))
