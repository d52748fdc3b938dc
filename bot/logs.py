"""Structured logging for the whole process, in one of two shapes.

`console` is for a person at a terminal; `json` is one object per line for a log pipeline. Both go to stderr so
that stdout stays clean for the CLI's results (`summarize --json` is read by scripts). Standard-library loggers
(aiohttp, SQLAlchemy, slack_bolt) are routed through the same renderer so an operator sees one format.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog


def configure_logging(level: str = "INFO", fmt: Literal["console", "json"] = "console") -> None:
    """Set up structlog and the standard library to write `fmt` lines at `level` to stderr."""
    numeric_level = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.typing.Processor
    if fmt == "json":
        renderer = structlog.processors.JSONRenderer()
        shared.append(structlog.processors.format_exc_info)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric_level)
    # Third-party chatter at INFO drowns the events an operator needs.
    for noisy in ("trafilatura", "htmldate", "courlan", "readability", "asyncio", "alembic"):
        logging.getLogger(noisy).setLevel(max(numeric_level, logging.WARNING))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structlog logger named after its module."""
    return structlog.stdlib.get_logger(name)


class _WithoutTraceback(logging.Filter):
    """Keeps a record's message and drops its traceback, unless the logger is at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
            record.exc_info = None
            record.exc_text = None
        return True


def one_line_logger(name: str) -> logging.Logger:
    """A standard-library logger for a library that logs expected network failures with `logger.exception`.

    slack_sdk's Socket Mode client logs every failed (re)connection with its traceback; its message already
    says what failed, so the operator gets that one line per attempt. `LINKBRIEF_LOG_LEVEL=DEBUG` keeps the
    tracebacks.
    """
    logger = logging.getLogger(name)
    if not any(isinstance(f, _WithoutTraceback) for f in logger.filters):
        logger.addFilter(_WithoutTraceback())
    return logger
