"""`linkbrief serve` start-up as an operator meets it: a real process against the fake Slack (or no Slack at all).

A token Slack refuses stops the process with status 2 and one line on stderr, no traceback; a Slack that cannot be
reached (connection refused, 5xx) is retried with backoff, and SIGTERM / SIGINT still stop the process at once;
a refusal on a later Socket Mode reconnection stops it the same way.

`ServeProcess` (also used by other test files) runs `python -m bot serve` with JSON logs, reading its stderr as it
comes, so a test can wait for a log event, probe /healthz and signal the process.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from clirun import clean_env
from fakeslack import FakeSlack, unreachable_api_url
from slackbot import SECRET

STOP_WITHIN = 5.0  # seconds a signalled process may take to exit (the shutdown grace here is 2 s)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServeProcess:
    """A running `linkbrief serve` and what it has written to stderr so far."""

    process: asyncio.subprocess.Process
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    def events(self) -> list[dict]:
        """The JSON log records written so far."""
        return [json.loads(line) for line in self.lines if line.startswith("{")]

    def plain_lines(self) -> list[str]:
        """The stderr lines that are not log records (what the CLI prints for a person)."""
        return [line for line in self.lines if line.strip() and not line.startswith("{")]

    async def read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    async def wait_for_event(self, name: str, *, count: int = 1, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while sum(1 for e in self.events() if e.get("event") == name) < count:
            assert self.process.returncode is None, f"exited {self.process.returncode}:\n{self.stderr}"
            assert time.monotonic() < deadline, f"no {count}× {name!r} in time:\n{self.stderr}"
            await asyncio.sleep(0.05)

    async def wait_healthy(self, within: float = 90.0) -> None:
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as http:
            while True:
                assert self.process.returncode is None, f"exited {self.process.returncode}:\n{self.stderr}"
                try:
                    async with http.get(self.base_url + "/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, f"not healthy in time:\n{self.stderr}"
                await asyncio.sleep(0.1)

    async def exit_code(self, within: float) -> int:
        """Wait for the process to end by itself; its exit status."""
        return await asyncio.wait_for(self.process.wait(), within)

    async def signal_and_wait(self, signum: signal.Signals = signal.SIGTERM) -> tuple[int, float]:
        """Send `signum`; (exit status, seconds it took to exit)."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        code = await asyncio.wait_for(self.process.wait(), STOP_WITHIN + 10)
        return code, time.monotonic() - sent


@asynccontextmanager
async def serve_process(tmp_path: Path, *args: str, command: str = "serve", **env: str) -> AsyncIterator[ServeProcess]:
    """`python -m bot serve --port P *args` (or another `command`) with `env` on top of a clean environment
    (SQLite in tmp_path, JSON logs, loopback only, fast shutdown); killed on exit if still running."""
    port = free_port()
    defaults = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "LINKBRIEF_LISTEN_HOST": "127.0.0.1",
        "LINKBRIEF_LOG_FORMAT": "json",
        "LINKBRIEF_SHUTDOWN_GRACE": "2",
        "LINKBRIEF_CPU_WORKERS": "1",
        "LINKBRIEF_FETCH_ALLOW_PRIVATE": "1",
    }
    environment = clean_env(tmp_path, **(defaults | env))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        command,
        "--port",
        str(port),
        *args,
        env=environment,
        cwd=tmp_path,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    served = ServeProcess(process, port)
    reader = asyncio.create_task(served.read())
    try:
        yield served
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await asyncio.wait_for(reader, 10)


def slack_env(slack: FakeSlack, *, bot_token: str | None = None, app_token: str | None = None) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": bot_token or slack.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "LINKBRIEF_SLACK_API_URL": slack.api_url,
    }
    if app_token is not None:
        env["SLACK_APP_TOKEN"] = app_token
    return env


def assert_one_line_exit(served: ServeProcess, *expected: str) -> str:
    """The process printed exactly one line for the person, containing `expected`, and no traceback."""
    assert "Traceback" not in served.stderr, served.stderr
    [line] = served.plain_lines()
    assert line.startswith("linkbrief: "), line
    for text in expected:
        assert text in line, line
    return line


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=30) as fake:
        yield fake


# ---------------------------------------------------------------------------------------- refused tokens


async def test_socket_mode_with_a_refused_app_token_exits_2_with_one_line(slack: FakeSlack, tmp_path: Path) -> None:
    async with serve_process(tmp_path, **slack_env(slack, app_token="xapp-1-revoked-long-ago")) as served:
        assert await served.exit_code(within=60) == 2, served.stderr
    line = assert_one_line_exit(served, "SLACK_APP_TOKEN", "apps.connections.open: invalid_auth")
    assert len(line) < 300
    # Asked once, not retried: a refused token does not get better by asking again.
    assert len(slack.calls_to("apps.connections.open")) == 1
    assert slack.socket_connections == 0


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_a_refused_bot_token_exits_2_with_one_line_before_anything_starts(
    slack: FakeSlack, tmp_path: Path, mode: str
) -> None:
    env = slack_env(slack, bot_token="xoxb-not-this-workspace", app_token=slack.app_token)
    async with serve_process(tmp_path, "--mode", mode, **env) as served:
        assert await served.exit_code(within=60) == 2, served.stderr
    assert_one_line_exit(served, "SLACK_BOT_TOKEN", "auth.test: invalid_auth")
    assert [c.method for c in slack.calls] == ["auth.test"]
    assert not (tmp_path / "serve.db").exists()  # refused before the database was even opened


@pytest.mark.parametrize("error", ["account_inactive", "token_revoked", "not_authed"])
async def test_other_final_auth_errors_exit_2(slack: FakeSlack, tmp_path: Path, error: str) -> None:
    slack.fail("auth.test", error)
    async with serve_process(tmp_path, "--mode", "http", **slack_env(slack)) as served:
        assert await served.exit_code(within=60) == 2, served.stderr
    assert_one_line_exit(served, f"auth.test: {error}")
    assert len(slack.calls_to("auth.test")) == 1


async def test_a_missing_app_token_in_socket_mode_is_a_setting_error(slack: FakeSlack, tmp_path: Path) -> None:
    async with serve_process(tmp_path, "--mode", "socket", **slack_env(slack)) as served:
        assert await served.exit_code(within=60) == 2, served.stderr
    assert_one_line_exit(served, "SLACK_APP_TOKEN is not set")
    assert slack.calls == []


# ------------------------------------------------------------------------------------ unreachable Slack


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_serve_promptly_while_it_retries_an_unreachable_slack(
    tmp_path: Path, signum: signal.Signals
) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": SECRET,
        "LINKBRIEF_SLACK_API_URL": unreachable_api_url(),
    }
    async with serve_process(tmp_path, "--mode", "http", **env) as served:
        await served.wait_for_event("slack_unreachable", count=2)  # retried, with backoff
        code, took = await served.signal_and_wait(signum)
    assert code == 0, served.stderr
    assert took < STOP_WITHIN, served.stderr
    assert "Traceback" not in served.stderr
    retries = [e for e in served.events() if e["event"] == "slack_unreachable"]
    assert [e["retry_in"] for e in retries[:2]] == [1.0, 2.0]
    assert all(e["method"] == "auth.test" and "ClientConnectorError" in e["error"] for e in retries)


async def test_sigterm_stops_serve_promptly_while_socket_mode_cannot_get_a_connection(
    slack: FakeSlack, tmp_path: Path
) -> None:
    slack.server_error("apps.connections.open", times=1000, status=503)
    async with serve_process(tmp_path, **slack_env(slack, app_token=slack.app_token)) as served:
        await served.wait_for_event("slack_unreachable", count=2)
        code, took = await served.signal_and_wait(signal.SIGTERM)
    assert code == 0, served.stderr
    assert took < STOP_WITHIN
    assert "Traceback" not in served.stderr
    assert {e["method"] for e in served.events() if e["event"] == "slack_unreachable"} == {"apps.connections.open"}


async def test_slack_failing_for_a_while_is_waited_out_and_serve_becomes_healthy(
    slack: FakeSlack, tmp_path: Path
) -> None:
    slack.server_error("auth.test", times=2, status=500)
    slack.rate_limit("apps.connections.open", times=1, retry_after=1)
    async with serve_process(tmp_path, **slack_env(slack, app_token=slack.app_token)) as served:
        await served.wait_healthy()
        await slack.wait_for_socket()
        code, _took = await served.signal_and_wait(signal.SIGTERM)
    assert code == 0, served.stderr
    assert "Traceback" not in served.stderr
    first, second, third = (call.at for call in slack.calls_to("auth.test"))
    assert 0.9 < second - first < third - second  # 1 s, then 2 s
    assert [c.status for c in slack.calls_to("apps.connections.open")] == [429, 200]


# ---------------------------------------------------------------------------------------- while running


async def test_an_app_token_refused_on_reconnection_stops_serve_with_status_2(slack: FakeSlack, tmp_path: Path) -> None:
    async with serve_process(tmp_path, **slack_env(slack, app_token=slack.app_token)) as served:
        await served.wait_healthy()
        await slack.wait_for_socket()
        slack.app_token = "xapp-1-rotated"  # the token the process holds is revoked...
        await slack.drop_sockets()  # ...and found out on the next reconnection
        assert await served.exit_code(within=30) == 2, served.stderr
    assert_one_line_exit(served, "SLACK_APP_TOKEN", "invalid_auth")
    assert "Traceback" not in served.stderr


# ------------------------------------------------------------------------------- what start-up tells


def _listening_ports(pid: int) -> set[int]:
    """TCP ports the process `pid` listens on (read from the system, not from its log)."""
    import psutil

    return {c.laddr.port for c in psutil.Process(pid).net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}


async def test_socket_mode_with_port_0_binds_no_port_and_still_answers(slack: FakeSlack, tmp_path: Path) -> None:
    from slackbot import article_site
    from slacksign import LinkPart, event_callback, message_event

    env = slack_env(slack, app_token=slack.app_token)
    async with article_site() as site, serve_process(tmp_path, "--port", "0", **env) as served:
        await served.wait_for_event("bot_started")
        await slack.wait_for_socket()
        assert _listening_ports(served.process.pid) == set()
        [started] = [e for e in served.events() if e["event"] == "bot_started"]
        assert (started["mode"], started["port"]) == ("socket", None)
        # A link shared over the socket is acknowledged and answered in its thread: no port needed for that.
        event = message_event("see ", LinkPart(site.url("/harbour")))
        await slack.wait_for_ack(await slack.push_event(event_callback(event)))
        await served.wait_for_event("reply_posted")
        [reply] = slack.messages
        assert (reply.channel, reply.thread_ts) == (event["channel"], event["ts"])
        code, _took = await served.signal_and_wait(signal.SIGTERM)
    assert code == 0, served.stderr


async def test_socket_mode_with_a_port_serves_health_on_it(slack: FakeSlack, tmp_path: Path) -> None:
    async with serve_process(tmp_path, **slack_env(slack, app_token=slack.app_token)) as served:
        await served.wait_healthy()
        assert _listening_ports(served.process.pid) == {served.port}
        code, _took = await served.signal_and_wait(signal.SIGTERM)
    assert code == 0, served.stderr


async def test_the_start_up_line_names_version_mode_database_and_summariser(slack: FakeSlack, tmp_path: Path) -> None:
    database = tmp_path / "named.db"
    env = slack_env(slack) | {"DATABASE_URL": f"sqlite:///{database}"}
    async with serve_process(tmp_path, "--mode", "http", **env) as served:
        await served.wait_healthy()
        code, _took = await served.signal_and_wait(signal.SIGTERM)
    assert code == 0, served.stderr
    [started] = [e for e in served.events() if e["event"] == "bot_started"]
    assert started["version"] == __import__("bot").__version__
    assert started["mode"] == "http"
    assert started["port"] == served.port
    assert started["database"] == f"sqlite+aiosqlite:///{database}"
    assert (started["summarizer"], started["model"]) == ("extractive", None)
    # Bolt's warnings that SLACK_BOT_TOKEN "will be unused" / "will be ignored" on every start are gone.
    assert "will be unused" not in served.stderr
    assert "will be ignored" not in served.stderr
    assert not [e for e in served.events() if e.get("level") == "warning"], served.stderr


@pytest.mark.postgresql
async def test_the_start_up_line_shows_no_credentials(slack: FakeSlack, tmp_path: Path, pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    # Pasted as `postgres://` with a password (the local server trusts and ignores it): serve, the store and the
    # procrastinate queue all run on it, and the log names the database without user or password.
    pasted = make_url(pg_url).set(drivername="postgres", password="s3cret-pw")
    env = slack_env(slack) | {
        "DATABASE_URL": pasted.render_as_string(hide_password=False),
        "LINKBRIEF_SUMMARIZER": "llm",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "LINKBRIEF_LLM_MODEL": "tiny-model",
    }
    async with serve_process(tmp_path, "--mode", "http", **env) as served:
        await served.wait_healthy()
        code, _took = await served.signal_and_wait(signal.SIGTERM)
    assert code == 0, served.stderr
    [started] = [e for e in served.events() if e["event"] == "bot_started"]
    bare = make_url(pg_url)
    assert started["database"] == f"postgresql+asyncpg://{bare.host}:{bare.port}/{bare.database}"
    assert (started["queue"], started["summarizer"], started["model"]) == ("procrastinate", "llm", "tiny-model")
    assert "s3cret-pw" not in served.stderr


@pytest.mark.parametrize(
    ("mode", "env", "needs"),
    [
        (None, {}, ["SLACK_BOT_TOKEN + SLACK_APP_TOKEN", "SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET"]),
        ("http", {"SLACK_BOT_TOKEN": "xoxb-1"}, ["HTTP mode needs SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET"]),
        ("socket", {"SLACK_BOT_TOKEN": "xoxb-1"}, ["Socket Mode needs SLACK_BOT_TOKEN + SLACK_APP_TOKEN"]),
    ],
)
async def test_a_missing_token_names_what_each_mode_needs(
    tmp_path: Path, mode: str | None, env: dict[str, str], needs: list[str]
) -> None:
    args = ["--mode", mode] if mode else []
    async with serve_process(tmp_path, *args, **env) as served:
        assert await served.exit_code(within=60) == 2, served.stderr
    assert_one_line_exit(served, "is not set", *needs)


async def test_each_posted_reply_is_logged_with_its_kind_and_time(slack: FakeSlack, tmp_path: Path) -> None:
    from slackbot import article_site
    from slacksign import CHANNEL_ID, LinkPart, event_callback, message_event, sign_event

    async with article_site() as site, serve_process(tmp_path, "--mode", "http", **slack_env(slack)) as served:
        await served.wait_healthy()

        async def share(path: str) -> None:
            request = sign_event(SECRET, event_callback(message_event("see ", LinkPart(site.url(path)))))
            async with (
                aiohttp.ClientSession() as http,
                http.post(served.base_url + "/slack/events", data=request.body, headers=request.headers) as response,
            ):
                assert response.status == 200

        for count, path in enumerate(["/harbour", "/harbour", "/no-such-page"], start=1):
            await share(path)
            await served.wait_for_event("reply_posted", count=count)
        code, _took = await served.signal_and_wait(signal.SIGTERM)
    assert code == 0, served.stderr
    logged = [e for e in served.events() if e["event"] == "reply_posted"]
    assert [e["kind"] for e in logged] == ["summary", "pointer", "error"]
    assert [e["share"] for e in logged] == sorted({e["share"] for e in logged})  # three shares, in order
    assert {e["channel"] for e in logged} == {CHANNEL_ID}
    assert logged[0]["article"] == logged[1]["article"] is not None
    assert logged[2]["article"] is None
    # Milliseconds from the event's arrival to the post: the first waits for the pipeline's workers to start.
    assert all(isinstance(e["ms_since_event"], int) and 0 <= e["ms_since_event"] < 60_000 for e in logged)
    assert len(slack.messages) == 3
