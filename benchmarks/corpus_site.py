"""The extraction corpus served over HTTP on 127.0.0.1, for benchmarks that fetch pages like the bot does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web


def load_pages(corpus: Path) -> dict[str, str]:
    """The corpus's HTML pages by id; exits with a clear message when the corpus is not there."""
    folder = corpus / "extraction-scrapinghub"
    pages = {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.html"))}
    if not pages:
        raise SystemExit(f"no pages found in {folder}")
    return pages


@asynccontextmanager
async def corpus_site(pages: dict[str, str], *, delay: float = 0.0) -> AsyncIterator[tuple[str, list[str]]]:
    """Serve `pages` at /<id>.html (any query string accepted, so one page can stand behind many URLs), each
    answer after `delay` seconds; yields the base URL and one URL per page."""

    async def handler(request: web.Request) -> web.Response:
        if delay:
            await asyncio.sleep(delay)
        html = pages.get(request.match_info["page"])
        if html is None:
            raise web.HTTPNotFound()
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/{page}.html", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield base, [f"{base}/{name}.html" for name in pages]
    finally:
        await runner.cleanup()


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
