"""Summarisers: the offline extractive default and, later, any OpenAI-compatible LLM."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings
from bot.summarize.base import Summarizer

if TYPE_CHECKING:
    from bot.summarize.extractive import Offload


class SummarizerUnavailable(RuntimeError):
    """The configured summariser cannot run; raised at start-up, not per article."""


def make_summarizer(settings: Settings, *, offload: Offload | None = None) -> Summarizer:
    """The summariser `LINKBRIEF_SUMMARIZER` names; `offload` runs its CPU work (default: a thread)."""
    if settings.summarizer == "extractive":
        from bot.summarize.extractive import ExtractiveSummarizer

        return ExtractiveSummarizer(offload) if offload is not None else ExtractiveSummarizer()
    raise SummarizerUnavailable(
        f"LINKBRIEF_SUMMARIZER={settings.summarizer} is not available in this version; use 'extractive'."
    )
