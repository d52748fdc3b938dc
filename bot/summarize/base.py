"""The summary value and the interface every summariser implements.

A summary is a typed value, not a blob of text: Slack rendering, storage, search and the CLI's JSON all read
the same fields. Summarisers differ only in how they fill them (offline extractive by default, an LLM later).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class QAPair:
    """A question a colleague would ask about the article, answered from it."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class SummaryInput:
    """What a summariser reads: the extracted article, never raw HTML."""

    text: str
    title: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """TL;DR, key points and questions answered, plus the name and version of what wrote them."""

    tldr: str | None
    key_points: tuple[str, ...] = ()
    qa: tuple[QAPair, ...] = ()
    summarizer: str = ""
    # Filled by LLM summarisers only; kept here so storage needs no second shape.
    model: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    dropped_claims: int = 0
    fallback_reason: str | None = field(default=None, compare=False)

    def as_json(self) -> dict[str, object]:
        """The summary fields of the `summarize --json` line."""
        return {
            "tldr": self.tldr,
            "key_points": list(self.key_points),
            "qa": [{"question": p.question, "answer": p.answer} for p in self.qa],
            "summarizer": self.summarizer,
        }


class Summarizer(Protocol):
    """Anything that turns an extracted article into a Summary."""

    name: str

    async def summarize(self, article: SummaryInput) -> Summary: ...
