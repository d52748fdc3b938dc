"""Offline summariser quality and speed on CNN/DailyMail (250 articles with human highlights).

    python -m benchmarks.summaries [--corpus PATH] [--examples N]

PATH is the corpus root (default `../shared/corpus` relative to the repository), its `summaries-cnndm`
folder, or the `.jsonl` file itself. Prints ROUGE-1/2/Lsum F1 (`rouge-score`, stemming on; Lsum with one
sentence a line, as papers report "ROUGE-L") for the summariser's key points, TL;DR and both together, and for
three baselines computed in the same run on the same sentence splits:
- LEAD-3: the first three sentences;
- TextRank (Mihalcea & Tarau 2004): PageRank over word-overlap similarity, top 3 sentences;
- LexRank (Erkan & Radev 2004): PageRank over tf-idf cosine similarity above 0.1, top 3 sentences.
The baselines are implemented here (small, standard formulations) rather than pulled from `sumy`, whose
tokenizers need NLTK data downloads; the corpus README's figures come from other implementations, so both are
shown. Then the bar check, per-article time (median, p95, max; plus a ~20,000-word report), and
`benchmarks/out/summaries-examples.md` with example outputs for a person to read.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rouge_score import rouge_scorer
from sentencex import segment

from bot.summarize.base import Summary, SummaryInput
from bot.summarize.extractive import summarize_extractive

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
EXAMPLES_PATH = REPO_ROOT / "benchmarks" / "out" / "summaries-examples.md"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
# Figures measured on these 250 articles by the corpus README (other implementations of the baselines).
README_FIGURES = {
    "LEAD-3": (41.3, 18.9, 37.4),
    "TextRank": (31.4, 14.2, 28.4),
    "LexRank": (33.5, 14.2, 30.3),
}
# "Clearly above" TextRank/LexRank: this many ROUGE points on every measure.
CLEAR_MARGIN = 3.0
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    reference: str


def corpus_file(path: Path) -> Path:
    """Accept the corpus root, its summaries-cnndm folder, or the jsonl file."""
    for candidate in (path, path / "frank-cnndm.jsonl", path / "summaries-cnndm" / "frank-cnndm.jsonl"):
        if candidate.is_file():
            return candidate
    raise SystemExit(f"no summaries-cnndm corpus under {path}")


def load(path: Path) -> list[Article]:
    with corpus_file(path).open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [Article(row["id"], row["article"], row["reference"]) for row in rows]


def sentences_of(text: str) -> list[str]:
    return [" ".join(s.split()) for s in segment("en", text) if s.strip()]


# --- baselines ---------------------------------------------------------------------------------------------


def _pagerank(weights: list[list[float]], damping: float = 0.85, rounds: int = 100) -> list[float]:
    n = len(weights)
    out_sums = [sum(row) for row in weights]
    scores = [1.0 / n] * n
    for _ in range(rounds):
        updated = [
            (1 - damping) / n
            + damping * sum(weights[j][i] / out_sums[j] * scores[j] for j in range(n) if out_sums[j] > 0)
            for i in range(n)
        ]
        if max(abs(a - b) for a, b in zip(updated, scores, strict=True)) < 1e-6:
            return updated
        scores = updated
    return scores


def _top_three(sentences: list[str], scores: list[float]) -> list[str]:
    best = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))[:3]
    return [sentences[i] for i in sorted(best)]


def textrank(sentences: list[str]) -> list[str]:
    words = [set(_WORD.findall(s.lower())) for s in sentences]
    n = len(sentences)
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j and len(words[i]) > 1 and len(words[j]) > 1:
                overlap = len(words[i] & words[j])
                weights[i][j] = overlap / (math.log(len(words[i])) + math.log(len(words[j])))
    return _top_three(sentences, _pagerank(weights))


def lexrank(sentences: list[str], threshold: float = 0.1) -> list[str]:
    bags = [Counter(_WORD.findall(s.lower())) for s in sentences]
    n = len(sentences)
    df = Counter(word for bag in bags for word in bag)
    idf = {word: math.log(n / count) for word, count in df.items()}
    vectors = [{w: c * idf[w] for w, c in bag.items()} for bag in bags]
    norms = [math.sqrt(sum(v * v for v in vec.values())) for vec in vectors]
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if norms[i] and norms[j]:
                dot = sum(w * vectors[j].get(t, 0.0) for t, w in vectors[i].items())
                weights[i][j] = 1.0 if dot / (norms[i] * norms[j]) > threshold else 0.0
    return _top_three(sentences, _pagerank(weights))


# --- scoring -----------------------------------------------------------------------------------------------


class RougeTable:
    """Mean ROUGE F1 per system, plus mean summary length in words."""

    def __init__(self) -> None:
        self._scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
        self._scores: dict[str, list[tuple[float, float, float]]] = {}
        self._words: dict[str, list[int]] = {}

    def add(self, system: str, reference: list[str], summary: list[str]) -> None:
        result = self._scorer.score("\n".join(reference), "\n".join(summary))
        self._scores.setdefault(system, []).append(tuple(result[t].fmeasure for t in ROUGE_TYPES))
        self._words.setdefault(system, []).append(sum(len(s.split()) for s in summary))

    def mean(self, system: str) -> tuple[float, float, float]:
        rows = self._scores[system]
        return tuple(100 * statistics.fmean(row[k] for row in rows) for k in range(3))

    def words(self, system: str) -> float:
        return statistics.fmean(self._words[system])

    def systems(self) -> list[str]:
        return list(self._scores)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def _example_markdown(article: Article, summary: Summary) -> str:
    first_line = sentences_of(article.text)[0] if article.text.strip() else ""
    lines = [f"## {article.id}", "", f"**First line:** {first_line}", "", f"**TL;DR:** {summary.tldr}", ""]
    lines.append("**Key points:**")
    lines.extend(f"- {point}" for point in summary.key_points)
    lines += ["", "**Questions answered:**"]
    if not summary.qa:
        lines.append("- (none)")
    for pair in summary.qa:
        lines += [f"- **Q:** {pair.question}", f"  **A:** {pair.answer}"]
    lines += ["", f"**Human highlights:** {article.reference}", ""]
    return "\n".join(lines)


def _long_report(articles: list[Article], words: int = 20_000) -> str:
    paragraphs: list[str] = []
    total = 0
    for article in articles:
        for sentence_group in _chunks(sentences_of(article.text), 4):
            paragraphs.append(" ".join(sentence_group))
            total += sum(len(s.split()) for s in sentence_group)
            if total >= words:
                return "\n\n".join(paragraphs)
    return "\n\n".join(paragraphs)


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--examples", type=int, default=10, help="example outputs to write")
    args = parser.parse_args(argv)
    articles = load(args.corpus)

    table = RougeTable()
    timings_ms: list[float] = []
    summaries: list[Summary] = []
    qa_counts: Counter[int] = Counter()
    for article in articles:
        reference = sentences_of(article.reference)
        sentences = sentences_of(article.text)
        started = time.perf_counter()
        summary = summarize_extractive(SummaryInput(text=article.text))
        timings_ms.append((time.perf_counter() - started) * 1000)
        summaries.append(summary)
        qa_counts[len(summary.qa)] += 1
        key_points = list(summary.key_points)
        tldr = [summary.tldr] if summary.tldr else []
        table.add("key_points", reference, key_points)
        table.add("tldr", reference, tldr)
        table.add("tldr + key_points", reference, tldr + key_points)
        table.add("LEAD-3", reference, sentences[:3])
        table.add("TextRank", reference, textrank(sentences))
        table.add("LexRank", reference, lexrank(sentences))

    print(f"summaries-cnndm: {len(articles)} articles, rouge-score (stemming on), F1 x 100\n")
    print(f"{'system':<20} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-Lsum':>11} {'words':>7}")
    for system in table.systems():
        r1, r2, rl = table.mean(system)
        print(f"{system:<20} {r1:8.2f} {r2:8.2f} {rl:11.2f} {table.words(system):7.1f}")
    print("\ncorpus README (same articles, other implementations):")
    for system, (r1, r2, rl) in README_FIGURES.items():
        print(f"{system:<20} {r1:8.1f} {r2:8.1f} {rl:11.1f}")

    ours = table.mean("key_points")
    lead = table.mean("LEAD-3")
    rankers = [table.mean("TextRank"), table.mean("LexRank"), README_FIGURES["TextRank"]]
    rankers.append(README_FIGURES["LexRank"])
    beats_lead = all(o >= max(m, r) for o, m, r in zip(ours, lead, README_FIGURES["LEAD-3"], strict=True))
    beats_rankers = all(o >= max(r[k] for r in rankers) + CLEAR_MARGIN for k, o in enumerate(ours))
    print("\nbar: key_points >= LEAD-3 (this run and README) on R-1, R-2, R-Lsum: ", end="")
    print("MET" if beats_lead else "NOT MET", "  deltas vs this run's LEAD-3:", end="")
    print(" ".join(f"{o - m:+.2f}" for o, m in zip(ours, lead, strict=True)))
    print(f"bar: key_points >= TextRank/LexRank + {CLEAR_MARGIN} on every measure: ", end="")
    print("MET" if beats_rankers else "NOT MET")

    print(
        f"\ntime per article (summarize_extractive, {len(timings_ms)} articles): "
        f"median {statistics.median(timings_ms):.2f} ms, p95 {_percentile(timings_ms, 0.95):.2f} ms, "
        f"max {max(timings_ms):.2f} ms"
    )
    report = _long_report(articles)
    started = time.perf_counter()
    summarize_extractive(SummaryInput(text=report))
    print(
        f"long report ({len(report.split())} words, {report.count(chr(10) * 2) + 1} paragraphs): "
        f"{(time.perf_counter() - started) * 1000:.1f} ms"
    )
    print(
        "questions per article: "
        + ", ".join(f"{n}: {qa_counts[n]}" for n in sorted(qa_counts))
        + f" (mean {statistics.fmean(len(s.qa) for s in summaries):.2f})"
    )

    if args.examples > 0:
        step = max(1, len(articles) // args.examples)
        picked = list(range(0, len(articles), step))[: args.examples]
        EXAMPLES_PATH.parent.mkdir(parents=True, exist_ok=True)
        body = "\n".join(_example_markdown(articles[i], summaries[i]) for i in picked)
        EXAMPLES_PATH.write_text(
            "# Offline summariser: example outputs on summaries-cnndm\n\n"
            "Every article at a fixed stride through the corpus (no cherry-picking); written by "
            "`python -m benchmarks.summaries`.\n\n" + body,
            encoding="utf-8",
        )
        print(f"\nexamples: {EXAMPLES_PATH.relative_to(REPO_ROOT)}")
    return 0 if beats_lead and beats_rankers else 1


if __name__ == "__main__":
    sys.exit(main())
