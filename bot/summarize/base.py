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

    @property
    def key_points_beyond_tldr(self) -> tuple[str, ...]:
        """The key points a reader has not just read as the TL;DR.

        An extractive TL;DR is often the lead sentence, which is also the first key point (the record of the
        article's facts keeps it). Displays show TL;DR and key points together, so they skip that repeat.
        """
        shown = " ".join((self.tldr or "").split())
        return tuple(point for point in self.key_points if " ".join(point.split()) != shown)

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
