"""The `linkbrief` command line: serve, worker, summarize, search, migrate.

Results go to stdout (human text, or JSON lines for scripts); progress and logs go to stderr. Anything that stops
a command is told in one line on stderr with a non-zero exit code, never as a traceback: the person at the
terminal needs the reason, the log has the details.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from bot import __version__

if TYPE_CHECKING:
    from sqlalchemy import Row
    from tqdm import tqdm

    from bot.outcome import ArticleOutcome
    from bot.settings import Settings
    from bot.store.db import Database
    from bot.summarize.base import Summary

# What each command reads from the environment (or `.env`), shown in its --help. Only the names: loading the
# settings' descriptions would import pydantic-settings and make `--help` wait for it. A name ending in `*`
# stands for every setting with that prefix; tests/test_cli_help.py checks each name against `Settings`.
LOGGING = ("LINKBRIEF_LOG_LEVEL", "LINKBRIEF_LOG_FORMAT")
PIPELINE = (
    "LINKBRIEF_FETCH_*",
    "LINKBRIEF_CPU_*",
    "LINKBRIEF_PDF_MAX_PAGES",
    "LINKBRIEF_SUMMARIZER",
    "LINKBRIEF_SUMMARY_LANGUAGE",
    "LINKBRIEF_LLM_*",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
)
REPLYING = (
    "SLACK_BOT_TOKEN",
    "LINKBRIEF_SLACK_API_URL",
    "LINKBRIEF_SLACK_TIMEOUT",
    "LINKBRIEF_SLACK_RETRY_*",
    "LINKBRIEF_CHANNEL_POST_*",
    "LINKBRIEF_PIPELINE_CONCURRENCY",
    "LINKBRIEF_QUEUE*",
    "LINKBRIEF_DIGEST_INTERVAL",
    "LINKBRIEF_DATABASE_WAIT",
    "LINKBRIEF_LISTEN_HOST",
    "LINKBRIEF_HEALTH_*",
    "LINKBRIEF_SHUTDOWN_GRACE",
)
COMMAND_SETTINGS: dict[str, tuple[str, ...]] = {
    "serve": (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_STATE_SECRET",
        "SLACK_REDIRECT_URI",
        "DATABASE_URL",
        *REPLYING[1:],
        "LINKBRIEF_MAX_LINKS_PER_MESSAGE",
        "LINKBRIEF_SKIP_DOMAINS",
        "LINKBRIEF_WORKERS",
        "LINKBRIEF_CLAIM_BATCH",
        "LINKBRIEF_POLL_INTERVAL",
        "LINKBRIEF_MEMBERSHIP_TTL",
        *PIPELINE,
        *LOGGING,
    ),
    "worker": ("DATABASE_URL", *REPLYING, "SLACK_CLIENT_*", "SLACK_STATE_SECRET", *PIPELINE, *LOGGING),
    "summarize": ("DATABASE_URL", *PIPELINE, *LOGGING),
    "search": ("DATABASE_URL", *LOGGING),
    "migrate": ("DATABASE_URL", "LINKBRIEF_QUEUE", *LOGGING),
}


class CommandError(Exception):
    """Stops a command with a one-line reason and exit code `code` (1 unless a setting is wrong: 2)."""

    def __init__(self, message: str, *, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _settings_epilog(command: str) -> str:
    names = textwrap.fill(", ".join(COMMAND_SETTINGS[command]), 96, initial_indent="  ", subsequent_indent="  ")
    return f'settings read (environment or .env; README, "Settings"):\n{names}'


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="linkbrief",
        description="Reads the articles shared in Slack and answers in the thread with a structured summary.",
        epilog="`linkbrief COMMAND --help` describes a command and lists the settings it reads.",
    )
    parser.add_argument("--version", action="version", version=f"linkbrief {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help,
            description=textwrap.fill(description, 96),
            epilog=_settings_epilog(name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    serve = command(
        "serve",
        "run the Slack bot",
        "Run the Slack bot until SIGTERM or SIGINT: read every link shared where it is a member and answer in the "
        "thread. Socket Mode (SLACK_BOT_TOKEN + SLACK_APP_TOKEN) needs no public URL; HTTP mode (SLACK_BOT_TOKEN "
        "+ SLACK_SIGNING_SECRET) receives POST /slack/events on --port. GET /healthz and /metrics answer on "
        "--port in both modes (in Socket Mode, --port 0 binds no port at all).",
    )
    serve.add_argument("--mode", choices=["socket", "http"], help="Socket Mode or HTTP (default: by the tokens set)")
    serve.add_argument(
        "--port",
        type=int,
        default=3000,
        help="port of /slack/events (HTTP mode), /healthz and /metrics (default 3000; 0 in Socket Mode: none)",
    )

    summarize = command(
        "summarize",
        "fetch, extract, deduplicate, summarise and store URLs",
        "Read each URL (fetch, extract, deduplicate, summarise), store it, and print the result: human text, or "
        "one JSON object per URL with --json. A URL already stored is answered from the store without fetching. "
        "Exit status 1 when any URL failed (its line says why), 2 for an invalid setting.",
    )
    summarize.add_argument("urls", nargs="+", metavar="URL")
    summarize.add_argument("--json", action="store_true", help="one JSON object per line per URL")
    summarize.add_argument("--text", action="store_true", help="also print the extracted article text")
    summarize.add_argument(
        "--no-progress", action="store_true", help="no progress bar (drawn only for several URLs on a terminal)"
    )

    search = command(
        "search",
        "search stored articles and summaries",
        "Full-text search of the stored articles and their summaries (every article, whichever channel shared "
        "it), best match first.",
    )
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("--json", action="store_true", help="one JSON object per line per hit")
    search.add_argument("--limit", type=int, default=10, help="most hits to show (default 10)")

    worker = command(
        "worker",
        "answer shares from the queue only (PostgreSQL; beside `serve`)",
        "Answer the shares `serve` processes store, from the procrastinate queue on PostgreSQL, without taking "
        "Slack's requests itself: run any number beside `serve` for more throughput. Needs a PostgreSQL "
        "DATABASE_URL and SLACK_BOT_TOKEN to post (with many workspaces, the SLACK_CLIENT_* settings of `serve` "
        "instead: each reply goes out with its workspace's stored token).",
    )
    worker.add_argument("--port", type=int, default=3001, help="port of /healthz and /metrics (default 3001)")

    command(
        "migrate",
        "bring the database schema (and the queue's, on PostgreSQL) up to date",
        "Create or upgrade the database schema (Alembic) and, on PostgreSQL, the procrastinate queue's. The other "
        "commands do this themselves on start; run it alone before starting several processes at once.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and of `python -m bot`."""
    args = build_parser().parse_args(argv)
    if args.command != "summarize":
        return _run(args)
    # `summarize` of stored URLs is mostly start-up, and a quarter of that went to the garbage collector:
    # start-up makes some 70,000 objects that live as long as the process (modules, classes, the settings),
    # searched for cycles again and again while they are made, and once more, with all their freeing, at exit.
    # So no collection until the pipeline starts (`_summarize`), and none of those objects at exit.
    import gc

    gc.disable()
    try:
        return _run(args)
    finally:
        gc.freeze()


def _run(args: argparse.Namespace) -> int:
    """The parsed command: settings (exit 2 when one is wrong), logging, then `_dispatch`; its exit status."""
    # Imported once the command is known: `--help` and a mistyped option answer without loading them.
    import asyncio

    from pydantic import ValidationError

    from bot.logs import configure_logging
    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        if name in Settings.model_fields and Settings.model_fields[name].validation_alias is None:
            name = f"LINKBRIEF_{name.upper()}"
        reason = str(first["msg"]).removeprefix("Value error, ")
        print(f"linkbrief: invalid setting {name}: {reason}", file=sys.stderr)
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
        from bot.store.outage import DatabaseUnavailable

        if not isinstance(exc, DatabaseUnavailable):
            return _internal_error(exc)
        print(f"linkbrief: {exc}", file=sys.stderr)  # waited for, in vain: one line, no traceback
        return 1


def _internal_error(exc: Exception) -> int:
    """A bug, not a user error: one line for the person, the traceback for whoever debugs it."""
    import logging

    logging.getLogger("linkbrief").debug("command crashed", exc_info=exc)
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
    if args.command == "summarize":
        stored = await _stored_in_sqlite(args.urls, settings.database_url)
        if stored is not None:
            return await _answer_from_store(stored, args, settings)
    from bot.store.db import Database, database_label

    try:
        database = Database(settings.database_url)
    except Exception as exc:
        raise CommandError(f"cannot open the database: {_first_line(exc)}") from exc
    try:
        if args.command == "migrate":  # run before the other processes: a server still starting is waited for
            await database.wait_until_up(settings.database_wait)
        await _migrate(database)
        if args.command == "migrate":
            queue = await _migrate_queue(settings)
            print(f"database is up to date ({database_label(settings.database_url)}){queue}")
            return 0
        if args.command == "summarize":
            return await _summarize(args, settings, database)
        return await _search(args, database)
    finally:
        await database.dispose()


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot until SIGTERM/SIGINT (exit 0). A missing setting or a token Slack refuses: exit 2."""
    from bot.slack.server import SlackRefused, check_serve_settings, resolve_mode, serve

    problem = check_serve_settings(settings, args.mode)
    if problem:
        raise CommandError(problem, code=2)
    # Socket Mode needs no port: 0 there means none (an HTTP-mode bot on a random port would never hear Slack).
    no_port = args.port == 0 and resolve_mode(settings, args.mode) == "socket"
    try:
        await serve(settings, mode=args.mode, port=None if no_port else args.port)
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
    from bot.store.queue_schema import apply_queue_schema

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
    stored = await _stored_outcomes(args.urls, database)
    if stored is not None:
        return await _answer_from_store(stored, args, settings)
    import gc

    gc.enable()  # turned off for start-up (`main`): pages and their trees are garbage to collect
    from bot.pipeline.runner import ArticlePipeline
    from bot.summarize import SummarizerUnavailable

    try:
        async with ArticlePipeline.open(settings, database) as pipeline:
            return await _summarize_all(pipeline.process, args, settings)
    except SummarizerUnavailable as exc:
        raise CommandError(str(exc)) from exc


async def _answer_from_store(stored: dict[str, ArticleOutcome], args: argparse.Namespace, settings: Settings) -> int:
    async def from_store(url: str) -> ArticleOutcome:
        return stored[url]

    return await _summarize_all(from_store, args, settings)


async def _stored_in_sqlite(urls: Sequence[str], database_url: str) -> dict[str, ArticleOutcome] | None:
    """`_stored_outcomes` before the database is opened, when it is a SQLite file already at the newest schema:
    read with the sqlite3 driver in a thread, without SQLAlchemy's asyncio layer and the ORM under it (about a
    tenth of a second of imports, a quarter of the whole answer). None in every other case, failures included:
    opening the database the usual way then tells what is wrong in the usual words."""
    import asyncio
    from functools import partial

    from bot.store.db import read_sqlite_at_newest
    from bot.store.lookup import stored_with_summaries

    keys = _url_keys(urls)
    if keys is None:
        return None
    try:
        found = await asyncio.to_thread(
            read_sqlite_at_newest, database_url, partial(stored_with_summaries, url_keys=keys)
        )
    except Exception:
        import logging

        logging.getLogger("linkbrief").debug("reading the SQLite store directly failed", exc_info=True)
        return None
    return None if found is None else _outcomes_from_store(urls, found)


async def _stored_outcomes(urls: Sequence[str], database: Database) -> dict[str, ArticleOutcome] | None:
    """Each URL answered from the store when every one of them is stored with a summary, else None.

    What the pipeline's first stage (alias lookup) would find, without loading the pipeline: importing the
    fetcher, the extractor and the summarisers (and starting their worker processes) takes longer than the
    answer. The store is read without the ORM models too (bot.store.lookup), for the same reason. A URL that
    is new, malformed or stored without a summary sends the whole run through the pipeline.
    """
    from bot.store.lookup import stored_with_summaries

    keys = _url_keys(urls)
    if keys is None:
        return None
    async with database.session(read_only=True) as session:
        found = await session.run_sync(stored_with_summaries, keys)
    return _outcomes_from_store(urls, found)


def _url_keys(urls: Sequence[str]) -> list[str] | None:
    """The store's key of each URL (bot.pipeline.urls), or None when one of them is not a URL we would fetch."""
    from bot.errors import PipelineError
    from bot.pipeline import urls as url_rules

    try:
        return [url_rules.url_key(url_rules.validate_url(url)) for url in urls]
    except (PipelineError, ValueError):
        return None


def _outcomes_from_store(
    urls: Sequence[str], found: list[tuple[Row[Any], Summary]]
) -> dict[str, ArticleOutcome] | None:
    """The outcome of each URL from its stored article and summary; None unless every URL has both."""
    from bot.logs import get_logger
    from bot.outcome import ArticleOutcome, StoredArticle

    if len(found) < len(urls):
        return None
    outcomes: dict[str, ArticleOutcome] = {}
    for url, (row, summary) in zip(urls, found, strict=True):
        article = StoredArticle.from_row(row)
        outcomes[url] = ArticleOutcome(url=url, article=article, duplicate_of=article.id, summary=summary)
    get_logger(__name__).info("answered_from_store", urls=len(outcomes))
    return outcomes


async def _summarize_all(
    process: Callable[[str], Awaitable[ArticleOutcome]], args: argparse.Namespace, settings: Settings
) -> int:
    """Run the URLs concurrently (bounded) and print each result in the order given."""
    import asyncio

    limit = asyncio.Semaphore(settings.fetch_concurrency)

    async def one(url: str) -> ArticleOutcome:
        async with limit:
            return await process(url)

    tasks = [asyncio.create_task(one(url)) for url in args.urls]
    # A bar only for a person watching: redrawn into a log file or a pipe it is only noise.
    drawn = len(tasks) > 1 and not args.no_progress and sys.stderr.isatty()
    progress = _progress(len(tasks)) if drawn else None
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
        # Each is worked out once: every reading compares the summary's lines word by word again.
        points = summary.key_points_beyond_tldr if summary is not None else ()
        pairs = summary.qa_beyond_key_points if summary is not None else ()
        if points:
            lines.append("")
            lines.append("Key points")
            for point in points:
                lines.extend(textwrap.wrap(point, 100, initial_indent=" • ", subsequent_indent="   "))
        if pairs:
            lines.append("")
            lines.append("Questions answered")
            for pair in pairs:
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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
