"""The summary value and the interface every summariser implements.

A summary is a typed value, not a blob of text: Slack rendering, storage, search and the CLI's JSON all read
the same fields. Summarisers differ only in how they fill them (offline extractive by default, an LLM later).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.article import QAPair

__all__ = ["QAPair", "Summarizer", "Summary", "SummaryInput"]


@dataclass(frozen=True, slots=True)
class SummaryInput:
    """What a summariser reads: the extracted article, never raw HTML."""

    text: str
    title: str | None = None
    language: str | None = None
    page_qa: tuple[QAPair, ...] = ()
    """The page's own questions and answers (an FAQ section or FAQPage data), in page order; not in `text`."""


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
        """The key points a reader has not just read: none says the TL;DR or an earlier point again.

        The offline summariser already keeps its key points apart from the TL;DR and each other; summaries
        stored by earlier versions (whose first key point was the lead, also the TL;DR) and LLM summaries may
        not, so every display goes through this. A repeat is judged on content words (`overlap`), not on
        equal text: the lead with a clause added is still the lead.
        """
        return self._shown_once()[0]

    @property
    def qa_beyond_key_points(self) -> tuple[QAPair, ...]:
        """The question/answer pairs whose answer is not the TL;DR, a shown key point or an earlier answer."""
        return self._shown_once()[1]

    def _shown_once(self) -> tuple[tuple[str, ...], tuple[QAPair, ...]]:
        # The word tools (stemmers, stop-word lists) only when a summary is shown: storing one, or printing it
        # as JSON, does not need them.
        from bot.summarize.overlap import content_words, says_again, tools_for

        tools = tools_for([self.tldr, *self.key_points, *(p.answer for p in self.qa)])
        shown = [content_words(self.tldr, tools)] if self.tldr else []
        points: list[str] = []
        for point in self.key_points:
            words = content_words(point, tools)
            if not any(says_again(words, earlier) for earlier in shown):
                points.append(point)
                shown.append(words)
        pairs: list[QAPair] = []
        for pair in self.qa:
            words = content_words(pair.answer, tools)
            if not any(says_again(words, earlier) for earlier in shown):
                pairs.append(pair)
                shown.append(words)
        return tuple(points), tuple(pairs)

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
