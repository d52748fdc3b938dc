"""The LLM summariser: any OpenAI-compatible Chat Completions endpoint, with the offline summary as its net.

OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio, OpenRouter, DashScope and Azure OpenAI all speak the Chat
Completions API, so one client (the official `openai` package, async) covers them. Servers differ in structured
output: the JSON-schema response format is tried first; a server that rejects it (HTTP 400) is asked for JSON
mode, then for plain instructions, and the mode that worked is remembered for the next articles.

Nothing the model returns is trusted: the answer is validated with pydantic (one retry, telling the model what
was wrong), every key point and answer is checked against the article (`grounding`), and whenever the model is
down, slow, or keeps returning junk, the reader gets the offline summary instead, marked as a fallback, and the
operator gets a log line saying why. Retries with backoff on 429/5xx are the client's own (`max_retries`).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot import metrics
from bot.logs import get_logger
from bot.pipeline.language import detect_language, normalise_code
from bot.summarize.base import QAPair, Summarizer, Summary, SummaryInput
from bot.summarize.grounding import ArticleFacts, is_supported
from bot.summarize.llm_prompt import ANSWER_SCHEMA, MAX_KEY_POINTS, MAX_QA, MIN_KEY_POINTS, Prompt, build_prompt

SUMMARIZER_NAME = "llm-1"

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

log = get_logger(__name__)

_CODE_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """Everything the LLM summariser needs from the settings (see the module docstring for what each does)."""

    base_url: str | None
    api_key: str
    model: str
    timeout: float = 60.0
    concurrency: int = 4
    max_retries: int = 2
    max_input_tokens: int = 12_000
    summary_language: str = "auto"
    instructions: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


class _QA(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class SummaryAnswer(BaseModel):
    """The answer's required shape; extra fields are ignored, missing or mistyped ones are errors."""

    model_config = ConfigDict(extra="ignore")

    tldr: str = Field(min_length=1)
    key_points: list[str] = Field(min_length=MIN_KEY_POINTS, max_length=MAX_KEY_POINTS)
    qa: list[_QA] = Field(default_factory=list, max_length=MAX_QA)


class _Mode(Enum):
    """How the answer's format is requested, strongest first."""

    JSON_SCHEMA = "json_schema"
    JSON_OBJECT = "json_object"
    PLAIN = "plain"


class _Fallback(Exception):
    """Give up on the model for this article; `reason` is the short word the summary and the log carry."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(slots=True)
class _Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str | None = None

    def add(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.prompt_tokens += usage.prompt_tokens or 0
            self.completion_tokens += usage.completion_tokens or 0
        self.model = getattr(response, "model", None) or self.model


def parse_answer(content: str | None) -> SummaryAnswer:
    """The model's text as a validated answer (a ```json fence around it is tolerated); raises ValidationError."""
    text = content or ""
    fenced = _CODE_FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    return SummaryAnswer.model_validate_json(text)


def _response_format(mode: _Mode) -> dict[str, Any] | None:
    if mode is _Mode.JSON_SCHEMA:
        return {"type": "json_schema", "json_schema": {"name": "summary", "strict": True, "schema": ANSWER_SCHEMA}}
    if mode is _Mode.JSON_OBJECT:
        return {"type": "json_object"}
    return None


class LLMSummarizer:
    """The `Summarizer` for `LINKBRIEF_SUMMARIZER=llm`; `fallback` writes the summary when the model cannot."""

    name = SUMMARIZER_NAME

    def __init__(self, config: LLMConfig, *, fallback: Summarizer) -> None:
        self.config = config
        self.fallback = fallback
        import openai  # only when a model is configured: the offline bot never loads the client

        self._client = openai.AsyncOpenAI(
            base_url=config.base_url,
            api_key=config.api_key,
            timeout=config.timeout,
            max_retries=config.max_retries,
            default_headers=dict(config.extra_headers) or None,
        )
        self._slots = asyncio.Semaphore(config.concurrency)
        self._mode = _Mode.JSON_SCHEMA

    async def aclose(self) -> None:
        """Close the HTTP connections of the client."""
        await self._client.close()

    async def summarize(self, article: SummaryInput) -> Summary:
        usage = _Usage()
        try:
            prompt = await asyncio.to_thread(
                build_prompt,
                article,
                max_input_tokens=self.config.max_input_tokens,
                summary_language=self.config.summary_language,
                instructions=self.config.instructions,
            )
            async with self._slots:
                answer = await self._answer(prompt, usage)
            return self._grounded(answer, article, usage)
        except _Fallback as failure:
            return await self._fall_back(article, failure, usage)

    async def _answer(self, prompt: Prompt, usage: _Usage) -> SummaryAnswer:
        """A validated answer: one try, then one retry telling the model what was wrong with its first answer."""
        messages: list[ChatCompletionMessageParam] = list(prompt.messages)
        content = await self._complete(messages, usage)
        try:
            return parse_answer(content)
        except ValidationError as error:
            problem = _describe(error)
        log.info("llm_answer_invalid", model=self.config.model, error=problem)
        messages += [
            {"role": "assistant", "content": content or ""},
            {
                "role": "user",
                "content": f"That answer is not valid: {problem}\n"
                "Reply again with only the JSON object in the required shape.",
            },
        ]
        content = await self._complete(messages, usage)
        try:
            return parse_answer(content)
        except ValidationError as error:
            raise _Fallback("invalid answer", _describe(error)) from error

    async def _complete(self, messages: list[ChatCompletionMessageParam], usage: _Usage) -> str | None:
        """One completion, stepping down the structured-output modes when the server refuses one with a 400."""
        import openai

        while True:
            response_format = _response_format(self._mode)
            extra: dict[str, Any] = {"response_format": response_format} if response_format else {}
            try:
                response = await self._client.chat.completions.create(
                    model=self.config.model, messages=messages, **extra
                )
            except openai.BadRequestError as error:
                if self._mode is _Mode.PLAIN:
                    raise _Fallback("http 400", str(error)) from error
                log.info("llm_response_format_refused", mode=self._mode.value, error=str(error)[:300])
                self._mode = _Mode.JSON_OBJECT if self._mode is _Mode.JSON_SCHEMA else _Mode.PLAIN
                continue
            except openai.APITimeoutError as error:
                raise _Fallback("timeout", str(error)) from error
            except openai.APIStatusError as error:
                raise _Fallback(f"http {error.status_code}", str(error)[:300]) from error
            except openai.APIConnectionError as error:
                raise _Fallback("connection", str(error)) from error
            usage.add(response)
            metrics.record_llm_call(response)
            if not response.choices:
                raise _Fallback("empty answer", "no choices in the response")
            return response.choices[0].message.content

    def _grounded(self, answer: SummaryAnswer, article: SummaryInput, usage: _Usage) -> Summary:
        """The answer as a Summary, without the key points and answers the article does not support."""
        language = normalise_code(article.language) or detect_language(article.text)
        # The page's own answers are article text too (extraction moved them out of `text` into `page_qa`).
        own_answers = " ".join(pair.answer for pair in article.page_qa)
        facts = ArticleFacts.of(f"{article.text}\n\n{own_answers}".strip(), article.title, language)
        key_points = [point.strip() for point in answer.key_points if is_supported(point, facts)]
        qa = [QAPair(p.question.strip(), p.answer.strip()) for p in answer.qa if is_supported(p.answer, facts)]
        dropped = len(answer.key_points) - len(key_points) + len(answer.qa) - len(qa)
        if dropped:
            log.info("llm_claims_dropped", model=self.config.model, dropped=dropped)
        if not key_points:
            raise _Fallback("ungrounded", f"none of the {len(answer.key_points)} key points is in the article")
        return Summary(
            tldr=answer.tldr.strip(),
            key_points=tuple(key_points),
            qa=tuple(qa),
            summarizer=SUMMARIZER_NAME,
            model=usage.model or self.config.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            dropped_claims=dropped,
        )

    async def _fall_back(self, article: SummaryInput, failure: _Fallback, usage: _Usage) -> Summary:
        log.warning(
            "llm_fallback",
            model=self.config.model,
            reason=failure.reason,
            detail=failure.detail[:500],
            fallback=self.fallback.name,
        )
        metrics.LLM_FALLBACKS.labels(failure.reason).inc()
        summary = await self.fallback.summarize(article)
        return replace(
            summary,
            summarizer=f"{self.fallback.name} (llm fallback: {failure.reason})",
            fallback_reason=failure.reason,
            model=usage.model,
            prompt_tokens=usage.prompt_tokens or None,
            completion_tokens=usage.completion_tokens or None,
        )


def _describe(error: ValidationError) -> str:
    """A short, model-readable account of what was wrong with the answer."""
    problems = []
    for item in error.errors(include_url=False)[:6]:
        where = ".".join(str(part) for part in item["loc"]) or "answer"
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)
