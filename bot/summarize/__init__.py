"""Summarisers: the offline extractive default and, later, any OpenAI-compatible LLM."""

from __future__ import annotations

from bot.settings import Settings
from bot.summarize.base import Summarizer


class SummarizerUnavailable(RuntimeError):
    """The configured summariser cannot run; raised at start-up, not per article."""


def make_summarizer(settings: Settings) -> Summarizer:
    """The summariser `LINKBRIEF_SUMMARIZER` names."""
    if settings.summarizer == "extractive":
        from bot.summarize.extractive import ExtractiveSummarizer

        return ExtractiveSummarizer()
    raise SummarizerUnavailable(
        f"LINKBRIEF_SUMMARIZER={settings.summarizer} is not available in this version; use 'extractive'."
    )
