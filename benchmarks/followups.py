"""Follow-up answers offline: does the passage retrieval find the sentence that answers, and does it say "the
article does not say" only when the article does not?

    python -m benchmarks.followups [--corpus PATH] [--graded benchmarks/graded/followups.jsonl]
                                   [--no-summary-qa] [--misses]

The graded set (`benchmarks/graded/followups.jsonl`) holds questions over CNN/DailyMail articles of the corpus
(`summaries-cnndm/` under PATH, default `../shared/corpus`), one JSON object per line:
- `source: highlight` — answerable: a question written from one of the article's human highlights, with
  `answer_key` (strings the answering sentence contains) and `sentences` (the article's sentences, as the
  summariser splits them, that answer it; any of them counts);
- `source: not-in-article` — on the article's topic but not answered by it (checked by reading the article);
- `source: other-article` — a question written for another article, asked of this one.

Each question is answered as the bot answers it (`bot.summarize.passages.retrieve`), with the article's text,
language "en", and (unless `--no-summary-qa`) the offline summary's own question/answer pairs as candidates, as
in production. Reported:
- top-1 / top-3 passage hit rate over the answerable questions: the best (or one of the three best) ranked
  passages is a gold sentence (same text, one containing the other, or 60 % of its words shared);
- answered hit rate: the passages actually quoted (the threshold applied) include a gold sentence;
- "does not say" precision: of the questions answered "The article does not say.", the share that are not
  answerable; and its recall: of the unanswerable questions, the share answered so;
- median and p95 milliseconds per question (retrieval only, the article's sentences split each time).
Bars (issue #12): top-3 ≥ 0.85, "does not say" precision ≥ 0.9.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

from bot.summarize.base import QAPair, SummaryInput
from bot.summarize.extractive import summarize_extractive
from bot.summarize.passages import Retrieval, retrieve

DEFAULT_CORPUS = Path("../shared/corpus")
DEFAULT_GRADED = Path(__file__).parent / "graded" / "followups.jsonl"
TOP3_BAR = 0.85
NOT_SAID_PRECISION_BAR = 0.9
_WORDS = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.casefold()))


def is_hit(passage: str, gold: list[str]) -> bool:
    """The passage is one of the gold sentences: same text, one inside the other, or most words shared."""
    text = " ".join(passage.split()).casefold()
    for sentence in gold:
        wanted = " ".join(sentence.split()).casefold()
        if text == wanted or text in wanted or wanted in text:
            return True
        a, b = _words(text), _words(wanted)
        if a and b and len(a & b) / len(a | b) >= 0.6:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--graded", type=Path, default=DEFAULT_GRADED)
    parser.add_argument("--no-summary-qa", action="store_true", help="the article's sentences only")
    parser.add_argument("--misses", action="store_true", help="print each question answered wrongly")
    args = parser.parse_args(argv)

    corpus_file = args.corpus / "summaries-cnndm" / "frank-cnndm.jsonl"
    if not corpus_file.is_file():
        print(f"corpus not found: {corpus_file}", file=sys.stderr)
        return 2
    articles = {row["id"]: row for row in map(json.loads, corpus_file.read_text().splitlines())}
    graded = [json.loads(line) for line in args.graded.read_text().splitlines() if line.strip()]

    qa: dict[str, tuple[QAPair, ...]] = {}
    if not args.no_summary_qa:
        for article_id in dict.fromkeys(g["id"] for g in graded):
            summary = summarize_extractive(SummaryInput(text=articles[article_id]["article"], language="en"))
            qa[article_id] = summary.qa

    top1 = top3 = shown = 0
    answerable = [g for g in graded if g["answerable"]]
    unanswerable = [g for g in graded if not g["answerable"]]
    said_not = said_not_right = 0
    hedged = {True: 0, False: 0}  # answers quoted as "the closest it comes", by answerability
    timings: list[float] = []
    misses: list[str] = []
    for item in graded:
        started = time.perf_counter()
        found: Retrieval = retrieve(
            item["question"], text=articles[item["id"]]["article"], language="en", qa=qa.get(item["id"], ())
        )
        timings.append((time.perf_counter() - started) * 1000)
        if found.answered and not found.confident:
            hedged[item["answerable"]] += 1
        if not found.answered:
            said_not += 1
            said_not_right += not item["answerable"]
        if item["answerable"]:
            ranked = [p.text for p in found.ranked]
            hit1 = bool(ranked) and is_hit(ranked[0], item["sentences"])
            hit3 = any(is_hit(text, item["sentences"]) for text in ranked[:3])
            hit_shown = any(is_hit(p.text, item["sentences"]) for p in found.answer)
            top1 += hit1
            top3 += hit3
            shown += hit_shown
            if not hit_shown:
                best = ranked[0][:120] if ranked else "-"
                misses.append(f"MISS  {item['question']}  (coverage {found.best_coverage:.2f}) top: {best}")
        elif found.answered:
            misses.append(
                f"FALSE {item['question']}  (coverage {found.best_coverage:.2f}) quoted: {found.answer[0].text[:120]}"
            )

    n = len(answerable)
    precision = said_not_right / said_not if said_not else 1.0
    recall = said_not_right / len(unanswerable) if unanswerable else 1.0
    print(f"questions: {len(graded)} ({n} answerable, {len(unanswerable)} not) over {len({g['id'] for g in graded})} "
          f"articles; candidates: sentences{'' if args.no_summary_qa else ' + summary Q&A'}")  # fmt: skip
    print(f"top-1 passage hit rate: {top1 / n:.3f}")
    print(f"top-3 passage hit rate: {top3 / n:.3f}  (bar {TOP3_BAR})")
    print(f"answered with a gold sentence quoted: {shown / n:.3f}")
    print(f"'does not say' precision: {precision:.3f}  (bar {NOT_SAID_PRECISION_BAR}; {said_not_right}/{said_not})")
    print(f"'does not say' recall: {recall:.3f}  ({said_not_right}/{len(unanswerable)})")
    print(f"answers quoted only as the closest passages: {hedged[True]} of the answerable, "
          f"{hedged[False]} of the unanswerable questions")  # fmt: skip
    ordered = sorted(timings)
    print(
        f"ms per question: median {statistics.median(ordered):.1f}, p95 {ordered[int(0.95 * (len(ordered) - 1))]:.1f}"
    )
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
