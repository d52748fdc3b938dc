"""Summarisers: the offline extractive default and, later, any OpenAI-compatible LLM."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings
from bot.summarize.base import Summarizer

if TYPE_CHECKING:
    from bot.summarize.extractive import Offload


class SummarizerUnavailable(RuntimeError):
    """The configured summariser cannot run; raised at start-up, not per article."""


def summarizer_problem(settings: Settings) -> str | None:
    """Why the configured summariser cannot run, in one line, or None; checked before anything starts."""
    if settings.summarizer == "llm" and not settings.llm_model:
        return (
            "LINKBRIEF_SUMMARIZER=llm needs LINKBRIEF_LLM_MODEL (and OPENAI_BASE_URL for a server other than OpenAI's)"
        )
    return None


def make_summarizer(settings: Settings, *, offload: Offload | None = None) -> Summarizer:
    """The summariser `LINKBRIEF_SUMMARIZER` names; `offload` runs the offline summariser's CPU work.

    The LLM summariser keeps the offline one as its fallback: a model that is down, slow or answers junk still
    leaves the user with a summary, marked as the fallback it is.
    """
    from bot.summarize.extractive import ExtractiveSummarizer

    problem = summarizer_problem(settings)
    if problem:
        raise SummarizerUnavailable(problem)
    extractive = ExtractiveSummarizer(offload) if offload is not None else ExtractiveSummarizer()
    if settings.summarizer == "extractive":
        return extractive
    from bot.summarize.llm import LLMConfig, LLMSummarizer

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    config = LLMConfig(
        base_url=settings.llm_base_url,
        # Local servers (Ollama, vLLM, llama.cpp) ignore the key, but the client refuses to start without one.
        api_key=key or "unused",
        model=settings.llm_model or "",
        timeout=settings.llm_timeout,
        concurrency=settings.llm_concurrency,
        max_retries=settings.llm_max_retries,
        max_input_tokens=settings.llm_max_input_tokens,
        summary_language=settings.summary_language,
        instructions=settings.llm_instructions,
        extra_headers=dict(settings.llm_extra_headers),
    )
    return LLMSummarizer(config, fallback=extractive)
