"""A fake OpenAI-compatible Chat Completions server on loopback, scripted per test, recording every request.

`async with FakeOpenAI([answer(...), error(429), ...]) as fake:` serves `POST /v1/chat/completions` on
127.0.0.1 and yields itself; `fake.base_url` is what the client's `base_url` should be. Each request takes the
next step of the script (the last step repeats once the script is used up). Steps:
- `answer(content, prompt_tokens=…, completion_tokens=…)`: a 200 with the Chat Completions response shape;
- `error(status)`: an OpenAI-style error body (with `retry-after-ms: 1`, so client retries take no time);
- `hang()`: no answer at all, until the client gives up and disconnects.
`reject_json_schema=True` makes the server answer 400 to any request asking for the JSON-schema response format,
as servers without structured-output support do, without using a script step.
`fake.requests` holds every request body received (parsed JSON), `fake.headers` their headers.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from localserver import serve_app
from multidict import CIMultiDict


@dataclass(frozen=True)
class Step:
    """One scripted reply."""

    status: int = 200
    content: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    hang: bool = False


def answer(content: str | dict[str, Any], *, prompt_tokens: int = 100, completion_tokens: int = 50) -> Step:
    """A completion whose message content is `content` (a dict is sent as its JSON text)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return Step(content=text, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)


def error(status: int) -> Step:
    return Step(status=status)


def hang() -> Step:
    return Step(hang=True)


@dataclass
class FakeOpenAI:
    script: list[Step]
    reject_json_schema: bool = False
    model: str = "fake-model-1"
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[CIMultiDict[str]] = field(default_factory=list)
    base_url: str = ""
    _next: int = 0

    async def __aenter__(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._server = serve_app(app)
        self.base_url = f"{await self._server.__aenter__()}/v1"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._server.__aexit__(*exc_info)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(request.headers.copy())
        if self.reject_json_schema and (body.get("response_format") or {}).get("type") == "json_schema":
            return _error_response(400, "response_format json_schema is not supported by this server")
        step = self.script[min(self._next, len(self.script) - 1)]
        self._next += 1
        if step.hang:
            await asyncio.sleep(3600)
        if step.status != 200:
            return _error_response(step.status, f"scripted error {step.status}")
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": self.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": step.content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": step.prompt_tokens,
                    "completion_tokens": step.completion_tokens,
                    "total_tokens": step.prompt_tokens + step.completion_tokens,
                },
            }
        )


def _error_response(status: int, message: str) -> web.Response:
    return web.json_response(
        {"error": {"message": message, "type": "invalid_request_error" if status == 400 else "server_error"}},
        status=status,
        headers={"retry-after-ms": "1"},
    )
