"""Settings from the environment (and `.env`), named as the README's "Settings" section lists them.

Standard names (Slack's, `DATABASE_URL`, OpenAI's) keep their own spelling; everything of ours carries the
`LINKBRIEF_` prefix. Every setting has a default that works on a laptop with no configuration at all, except the
Slack credentials, which only `serve` needs. A value that cannot work is refused here, when the process starts
(the CLI exits 2 naming the setting), not at first use: an unknown log level, a database URL of another kind,
a SQLite file in a directory that does not exist.
"""

from __future__ import annotations

import ipaddress
import os
from functools import cached_property
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import __version__

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

# The drivers linkbrief runs on (asyncio); any other driver named in DATABASE_URL is replaced by these.
ASYNC_DRIVERS = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}


def default_data_dir() -> Path:
    """The user's data directory for linkbrief (created on first use, unlike any other directory)."""
    return Path(platformdirs.user_data_dir("linkbrief", appauthor=False))


def default_database_url() -> str:
    """A SQLite file in the user's data directory: the zero-set-up store."""
    return f"sqlite+aiosqlite:///{default_data_dir() / 'linkbrief.db'}"


def async_database_url(url: str) -> str:
    """`url` with the asyncio driver of its database: the forms people paste (`postgresql://`, `postgres://`,
    `sqlite:///…`, or another driver's URL) all name the same database, and linkbrief speaks to it through
    asyncpg or aiosqlite. Anything else than PostgreSQL or SQLite is a `ValueError` with a one-line reason."""
    from sqlalchemy.engine import make_url  # imported when a URL is set, not for `linkbrief --help`
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError("not a database URL (postgresql://user:password@host/db or sqlite:///path)") from None
    backend = parsed.drivername.partition("+")[0]
    driver = ASYNC_DRIVERS.get(backend)
    if driver is None:
        raise ValueError(f"{backend!r} is not supported: use PostgreSQL (postgresql://…) or SQLite (sqlite:///path)")
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL, in-memory and `file:` URI databases)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


class Settings(BaseSettings):
    """All runtime configuration of linkbrief."""

    model_config = SettingsConfigDict(
        env_prefix="LINKBRIEF_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=AliasChoices("LINKBRIEF_SLACK_API_URL"))
    # Many workspaces (OAuth install, bot.slack.oauth): set these three instead of SLACK_BOT_TOKEN.
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    slack_state_secret: SecretStr | None = Field(None, validation_alias="SLACK_STATE_SECRET")
    slack_redirect_uri: str | None = Field(
        None,
        validation_alias="SLACK_REDIRECT_URI",
        description="https://YOUR-HOST/slack/oauth_redirect, when the app lists more than one redirect URL",
    )
    max_links_per_message: int = Field(5, ge=1, le=50)

    # Storage
    database_url: str = Field(default_factory=default_database_url, validation_alias="DATABASE_URL")

    # Summaries
    summarizer: Literal["extractive", "llm"] = "extractive"
    llm_base_url: str | None = Field(None, validation_alias="OPENAI_BASE_URL")
    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    llm_model: str | None = None
    llm_timeout: float = Field(60.0, gt=0, description="seconds for one model call")
    llm_concurrency: int = Field(4, ge=1, description="model calls at once")
    llm_max_retries: int = Field(2, ge=0, description="retries of a model call after 429/5xx")
    llm_max_input_tokens: int = Field(12_000, ge=1000, description="article tokens sent to the model, at most")
    summary_language: str = Field("auto", description="'auto' (the article's language) or a language code")
    llm_instructions: str | None = Field(None, description="operator instructions appended to the prompt")
    llm_extra_headers: dict[str, str] = Field(default_factory=dict, description="extra HTTP headers (JSON)")

    # Fetching
    fetch_allow_private: bool = False
    fetch_timeout: float = Field(20.0, gt=0, description="seconds for the whole fetch, redirects included")
    fetch_max_bytes: int = Field(10_000_000, gt=0, description="bytes read, after decompression")
    fetch_max_redirects: int = Field(5, ge=0)
    fetch_concurrency: int = Field(8, ge=1, description="pages fetched at once")
    fetch_allowed_networks: str = Field(
        "",
        description="comma-separated non-public networks the fetcher may reach anyway (e.g. an internal wiki)",
    )

    # The CPU pool (bot.pipeline.cpu_pool): extraction, fingerprints and offline summaries. The names these
    # settings had when the pool only extracted (LINKBRIEF_EXTRACT_*) are still read.
    cpu_timeout: float = Field(
        10.0,
        gt=0,
        validation_alias=AliasChoices("LINKBRIEF_CPU_TIMEOUT", "LINKBRIEF_EXTRACT_TIMEOUT"),
        description="seconds one page's CPU work may take before its worker process is killed",
    )
    cpu_workers: int = Field(
        default_factory=lambda: max(1, min(4, os.cpu_count() or 1)),
        ge=1,
        validation_alias=AliasChoices("LINKBRIEF_CPU_WORKERS", "LINKBRIEF_EXTRACT_WORKERS"),
        description="worker processes of the CPU pool (started with the first page)",
    )
    pdf_max_pages: int = Field(60, ge=1, le=10_000, description="pages of a PDF read, from its first")

    # The Slack bot (`serve`)
    skip_domains: str = Field("", description="comma-separated domains whose links are never summarised")
    workers: int = Field(4, ge=1, le=64, description="channels whose shares are worked on at the same time")
    pipeline_concurrency: int = Field(4, ge=1, le=64, description="links read at the same time by the bot")
    claim_batch: int = Field(10, ge=1, le=100, description="shares of one channel a worker takes at once")
    membership_ttl: float = Field(60.0, ge=0, description="seconds a channel's member list is trusted")
    channel_post_interval: float = Field(1.0, ge=0, description="seconds between replies to one channel")
    channel_post_burst: int = Field(3, ge=1, description="replies one channel may get back to back")
    listen_host: str = Field("0.0.0.0", description="address the bot's HTTP server binds")  # noqa: S104
    shutdown_grace: float = Field(10.0, ge=0, description="seconds in-flight shares may finish on SIGTERM")
    poll_interval: float = Field(2.0, gt=0, description="seconds between looks for pending shares")
    queue: Literal["auto", "embedded", "procrastinate"] = Field(
        "auto", description="who hands shares to workers: auto = procrastinate on PostgreSQL, embedded on SQLite"
    )
    queue_stalled_after: float = Field(
        30.0, ge=3, description="seconds without a heartbeat before a worker process is taken for dead"
    )
    queue_sweep_interval: float = Field(
        10.0, gt=0, description="seconds between looks for stalled jobs and for shares no job was queued for"
    )
    database_wait: float = Field(
        60.0, ge=0, description="seconds a starting process waits for a PostgreSQL server that is not up yet"
    )
    digest_interval: float = Field(
        30.0,
        ge=1,
        le=59,
        description="seconds between looks for channel digests that are due (one process looks per tick)",
    )
    slack_timeout: float = Field(15.0, gt=0, description="seconds one Slack Web API request may take")
    slack_retry_for: float = Field(
        1800.0, ge=0, description="seconds a reply Slack keeps refusing transiently is retried before giving up"
    )
    slack_retry_min: float = Field(5.0, gt=0, description="seconds before the first retry of a refused reply")
    slack_retry_max: float = Field(120.0, gt=0, description="longest wait between two retries of a reply")

    # Health (`/healthz`)
    health_stuck_after: float = Field(
        300.0, gt=0, description="seconds a share may wait (pending or working) before /healthz answers 503"
    )
    health_disconnected_after: float = Field(
        30.0, ge=0, description="seconds the Socket Mode connection may be down before /healthz answers 503"
    )

    # Logging
    log_level: LogLevel = "INFO"
    log_format: Literal["console", "json"] = "console"

    @cached_property
    def allowed_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """`LINKBRIEF_FETCH_ALLOWED_NETWORKS` parsed; a bad entry fails at start-up, not at the first fetch."""
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in self.fetch_allowed_networks.split(",")
            if part.strip()
        )

    @cached_property
    def queue_kind(self) -> Literal["embedded", "procrastinate"]:
        """The queue in use: `LINKBRIEF_QUEUE`, or by the database (PostgreSQL: procrastinate)."""
        if self.queue != "auto":
            return self.queue
        return "procrastinate" if self.database_url.startswith(("postgresql", "postgres:")) else "embedded"

    @cached_property
    def skip_domain_set(self) -> frozenset[str]:
        """`LINKBRIEF_SKIP_DOMAINS` as a set of lower-case domains."""
        return frozenset(d.strip().lower() for d in self.skip_domains.split(",") if d.strip())

    @field_validator("database_url")
    @classmethod
    def _database_url_async(cls, value: str) -> str:
        url = async_database_url(value)
        path = sqlite_file(url)
        if path is not None and not path.parent.is_dir() and path.parent != default_data_dir():
            raise ValueError(f"the directory of the SQLite file does not exist: {path.parent} (create it first)")
        return url

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("fetch_allowed_networks")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)
        return value

    @cached_property
    def user_agent(self) -> str:
        """A browser-like User-Agent that still names linkbrief, so site owners can see who fetched."""
        return (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/124.0 Safari/537.36 linkbrief/{__version__} "
            "(+https://github.com/linkbrief/linkbrief)"
        )
