"""The `linkbrief` command line: serve, worker, summarize, search, migrate.

Results go to stdout (human text, or JSON lines for scripts); progress and logs go to stderr. Anything that stops
a command is told in one line on stderr with a non-zero exit code, never as a traceback: the person at the
terminal needs the reason, the log has the details.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from bot import __version__
from bot.logs import configure_logging
from bot.settings import Settings

if TYPE_CHECKING:
    from tqdm import tqdm

    from bot.pipeline.runner import ArticleOutcome, ArticlePipeline
    from bot.store.db import Database


class CommandError(Exception):
    """Stops a command with a one-line reason and exit code `code` (1 unless a setting is wrong: 2)."""

    def __init__(self, message: str, *, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="linkbrief",
        description="Reads the articles shared in Slack and answers in the thread with a structured summary.",
    )
    parser.add_argument("--version", action="version", version=f"linkbrief {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the Slack bot")
    serve.add_argument("--mode", choices=["socket", "http"], help="Socket Mode or HTTP (default: by the tokens set)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port in HTTP mode (default 3000)")

    summarize = commands.add_parser("summarize", help="fetch, extract, deduplicate, summarise and store URLs")
    summarize.add_argument("urls", nargs="+", metavar="URL")
    summarize.add_argument("--json", action="store_true", help="one JSON object per line per URL")
    summarize.add_argument("--text", action="store_true", help="also print the extracted article text")
    summarize.add_argument("--no-progress", action="store_true", help="no progress bar for several URLs")

    search = commands.add_parser("search", help="search stored articles and summaries")
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("--json", action="store_true", help="one JSON object per line per hit")
    search.add_argument("--limit", type=int, default=10, help="most hits to show (default 10)")

    worker = commands.add_parser("worker", help="answer shares from the queue only (PostgreSQL; beside `serve`)")
    worker.add_argument("--port", type=int, default=3001, help="port of /healthz and /metrics (default 3001)")

    commands.add_parser("migrate", help="bring the database schema (and the queue's, on PostgreSQL) up to date")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of `python -m bot`."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        if name in Settings.model_fields and Settings.model_fields[name].validation_alias is None:
            name = f"LINKBRIEF_{name.upper()}"
        print(f"linkbrief: invalid setting {name}: {first['msg']}", file=sys.stderr)
        return 2
    # One-shot commands log warnings only, unless the operator asked for more: their output is the result.
    quiet = args.command != "serve" and "log_level" not in settings.model_fields_set
    configure_logging("WARNING" if quiet else settings.log_level, settings.log_format)
    try:
        return asyncio.run(_dispatch(args, settings))
    except CommandError as exc:
        print(f"linkbrief: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("linkbrief: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        # A bug, not a user error: one line for the person, the traceback for whoever debugs it.
        logging.getLogger("linkbrief").debug("command crashed", exc_info=True)
        print(
            f"linkbrief: internal error: {type(exc).__name__}: {_first_line(exc)} "
            "(LINKBRIEF_LOG_LEVEL=DEBUG shows the traceback)",
            file=sys.stderr,
        )
        return 1


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        return await _serve(args, settings)
    if args.command == "worker":
        return await _worker(args, settings)
    from bot.store.db import Database

    try:
        database = Database(settings.database_url)
    except Exception as exc:
        raise CommandError(f"cannot open the database: {_first_line(exc)}") from exc
    try:
        await _migrate(database)
        if args.command == "migrate":
            queue = await _migrate_queue(settings)
            print(f"database is up to date ({_describe(settings.database_url)}){queue}")
            return 0
        if args.command == "summarize":
            return await _summarize(args, settings, database)
        return await _search(args, database)
    finally:
        await database.dispose()


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot until SIGTERM/SIGINT (exit 0). A missing setting or a token Slack refuses: exit 2."""
    from bot.slack.server import SlackRefused, check_serve_settings, serve

    problem = check_serve_settings(settings, args.mode)
    if problem:
        raise CommandError(problem, code=2)
    try:
        await serve(settings, mode=args.mode, port=args.port)
    except SlackRefused as exc:
        raise CommandError(str(exc), code=2) from exc
    except OSError as exc:
        raise CommandError(f"cannot start the server: {_first_line(exc)}") from exc
    return 0


async def _worker(args: argparse.Namespace, settings: Settings) -> int:
    """Answer shares from the procrastinate queue until SIGTERM/SIGINT (exit 0); exit 2 for a wrong setting."""
    from bot.slack.server import SlackRefused, serve

    try:
        await serve(settings, port=args.port, worker_only=True)
    except ValueError as exc:
        raise CommandError(str(exc), code=2) from exc
    except SlackRefused as exc:
        raise CommandError(str(exc), code=2) from exc
    except OSError as exc:
        raise CommandError(f"cannot start the worker: {_first_line(exc)}") from exc
    return 0


async def _migrate_queue(settings: Settings) -> str:
    """Apply the procrastinate queue's schema when that queue is in use; what to add to the message."""
    if settings.queue_kind != "procrastinate":
        return ""
    from bot.queue import apply_queue_schema

    try:
        done = await apply_queue_schema(settings.database_url)
    except Exception as exc:
        raise CommandError(f"cannot apply the queue schema: {_first_line(exc)}") from exc
    return f"; queue schema {done}"


async def _migrate(database: Database) -> None:
    try:
        await database.migrate()
    except Exception as exc:
        raise CommandError(f"cannot open the database: {_first_line(exc)}") from exc


async def _summarize(args: argparse.Namespace, settings: Settings, database: Database) -> int:
    from bot.pipeline.runner import ArticlePipeline
    from bot.summarize import SummarizerUnavailable

    try:
        async with ArticlePipeline.open(settings, database) as pipeline:
            return await _summarize_all(pipeline, args, settings)
    except SummarizerUnavailable as exc:
        raise CommandError(str(exc)) from exc


async def _summarize_all(pipeline: ArticlePipeline, args: argparse.Namespace, settings: Settings) -> int:
    """Run the URLs concurrently (bounded) and print each result in the order given."""
    limit = asyncio.Semaphore(settings.fetch_concurrency)

    async def one(url: str) -> ArticleOutcome:
        async with limit:
            return await pipeline.process(url)

    tasks = [asyncio.create_task(one(url)) for url in args.urls]
    progress = _progress(len(tasks)) if len(tasks) > 1 and not args.no_progress else None
    if progress is not None:
        for task in tasks:
            task.add_done_callback(lambda _task: progress.update(1))
    failures = 0
    for task in tasks:
        outcome = await task
        failures += 0 if outcome.ok else 1
        if args.json:
            text = json.dumps(outcome.as_json(), ensure_ascii=False)
        else:
            text = _format_outcome(outcome, with_text=args.text)
        if progress is not None:
            progress.write(text, file=sys.stdout)
        else:
            _write_line(sys.stdout, text)
    if progress is not None:
        progress.close()
    return 1 if failures else 0


async def _search(args: argparse.Namespace, database: Database) -> int:
    from bot.store.search import SearchQuery, search

    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    query = SearchQuery(text=" ".join(args.query), limit=args.limit)
    async with database.session() as session:
        hits = await search(session, query)
    for hit in hits:
        if args.json:
            line = {
                "article_id": hit.article_id,
                "title": hit.title,
                "url": hit.url,
                "site_name": hit.site_name,
                "published": hit.published.isoformat() if hit.published else None,
                "tldr": hit.tldr,
                "snippet": hit.snippet,
                "rank": hit.rank,
            }
            _write_line(sys.stdout, json.dumps(line, ensure_ascii=False))
        else:
            print(f"[{hit.article_id}] {hit.title or '(untitled)'}")
            print(f"    {hit.url}")
            if hit.snippet:
                print(textwrap.indent(textwrap.fill(hit.snippet, 96), "    "))
    if not hits and not args.json:
        print("no matches", file=sys.stderr)
    return 0


def _format_outcome(outcome: ArticleOutcome, *, with_text: bool) -> str:
    """Human-readable result of one URL."""
    lines: list[str] = []
    if outcome.error is not None:
        lines.append(f"✗ {outcome.url}")
        lines.append(f"  {outcome.error.message} ({outcome.error.code})")
    else:
        article = outcome.article
        # The runner builds every outcome without an error around a stored article.
        assert article is not None, "an outcome without an error carries its article"
        lines.append(article.title or "(untitled)")
        facts = [
            article.site_name,
            article.author,
            article.published.isoformat() if article.published else None,
            f"{article.word_count:,} words",
        ]
        lines.append(" · ".join(f for f in facts if f))
        lines.append(article.canonical_url)
        if outcome.duplicate_of is not None:
            lines.append(f"(seen before: article #{outcome.duplicate_of})")
        summary = outcome.summary
        if summary is not None and summary.tldr:
            lines.append("")
            lines.extend(textwrap.wrap(f"TL;DR  {summary.tldr}", 100))
        if summary is not None and summary.key_points_beyond_tldr:
            lines.append("")
            lines.append("Key points")
            for point in summary.key_points_beyond_tldr:
                lines.extend(textwrap.wrap(point, 100, initial_indent=" • ", subsequent_indent="   "))
        if summary is not None and summary.qa_beyond_key_points:
            lines.append("")
            lines.append("Questions answered")
            for pair in summary.qa_beyond_key_points:
                lines.extend(textwrap.wrap(pair.question, 100, initial_indent=" Q ", subsequent_indent="   "))
                lines.extend(textwrap.wrap(pair.answer, 100, initial_indent=" A ", subsequent_indent="   "))
        if with_text:
            lines.append("")
            lines.append(article.text)
    lines.append("")
    return "\n".join(lines)


def _progress(total: int) -> tqdm:
    from tqdm import tqdm

    return tqdm(total=total, unit="url", file=sys.stderr, leave=False, dynamic_ncols=True)


def _write_line(stream: TextIO, text: str) -> None:
    stream.write(text + "\n")
    stream.flush()


def _describe(url: str) -> str:
    """The database URL without a password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "configured database"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
