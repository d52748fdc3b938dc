"""Offline summariser quality and speed on CNN/DailyMail (250 articles with human highlights), and the quality of
its questions there and on the Scrapinghub article bodies (181 news and blog pages, a few not in English).

    python -m benchmarks.summaries [--corpus PATH] [--examples N]

PATH is the corpus root (default `../shared/corpus` relative to the repository), its `summaries-cnndm`
folder, or the `.jsonl` file itself (the Scrapinghub part needs the root). Prints ROUGE-1/2/Lsum F1
(`rouge-score`, stemming on; Lsum with one sentence a line, as papers report "ROUGE-L") for the summariser's key
points, TL;DR and both together, and for three baselines computed in the same run on the same sentence splits:
- LEAD-3: the first three sentences;
- TextRank (Mihalcea & Tarau 2004): PageRank over word-overlap similarity, top 3 sentences;
- LexRank (Erkan & Radev 2004): PageRank over tf-idf cosine similarity above 0.1, top 3 sentences.
The baselines are implemented here (small, standard formulations) rather than pulled from `sumy`, whose
tokenizers need NLTK data downloads; the corpus README's figures come from other implementations, so both are
shown. Then the bar check, how often the TL;DR repeats a key point, per-article time (median, p95, max; plus a
~20,000-word report), an automatic report on the questions answered (pairs per article, share of articles with
0/1/2/3 pairs, share of answers that repeat the TL;DR or a key point, near-duplicate questions, question kinds)
on both corpora, and `benchmarks/out/summaries-examples.md` with example outputs for a person to read.
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


SCRAPINGHUB_DIR = "extraction-scrapinghub"
# Kinds of question, told from how the question opens (first match wins).
QUESTION_KINDS = (
    ("how many / how much", re.compile(r"^(?:How many|How much|By how much)\b")),
    ("why", re.compile(r"^Why\b")),
    ("when", re.compile(r"^When\b")),
    ("how", re.compile(r"^How\b")),
    ("what happened to", re.compile(r"^What happened to\b")),
    ("who/what is", re.compile(r"^(?:Who|What) (?:is|are|was) [^?]+\?$")),
    ("said about", re.compile(r"^What (?:warning )?(?:did|does|do) .+ (?:about|tell) .+\?$")),
    ("plans to do", re.compile(r" to do\?$")),
    ("who", re.compile(r"^Who\b")),
    ("what", re.compile(r"^What\b")),
    ("other language", re.compile(r".")),
)
# An answer sharing this share of a shown text's words repeats it; a TL;DR within this share of a key point's
# length and sharing this share of its words is that key point again.
REPEAT_OVERLAP = 0.8


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


def _tokens(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower())


def _covers(shown: str | None, text: str) -> bool:
    """`text` contains (nearly) all the words of `shown`."""
    words = _tokens(shown)
    if not words:
        return False
    present = Counter(_tokens(text))
    return sum(1 for w in words if present[w] > 0) / len(words) >= REPEAT_OVERLAP


def tldr_repeats_key_point(summary: Summary) -> bool:
    """The reader would see the TL;DR again as a key point: the same words, not clearly shorter."""
    tldr_words = len(_tokens(summary.tldr))
    return any(
        _covers(summary.tldr, point) and tldr_words > REPEAT_OVERLAP * len(_tokens(point))
        for point in summary.key_points
    )


def question_kind(question: str) -> str:
    return next(kind for kind, pattern in QUESTION_KINDS if pattern.search(question))


class QAReport:
    """What a reader would notice about the questions answered, counted over a corpus."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pairs: Counter[int] = Counter()
        self.kinds: Counter[str] = Counter()
        self.answers = 0
        self.repeating_answers = 0
        self.alike_questions = 0
        self.articles_with_text = 0
        self.tldr_repeats = 0
        self.tldr_compressed = 0

    def add(self, summary: Summary) -> None:
        if summary.tldr is None:
            return
        self.articles_with_text += 1
        self.pairs[len(summary.qa)] += 1
        self.tldr_repeats += tldr_repeats_key_point(summary)
        self.tldr_compressed += any(_covers(summary.tldr, p) for p in summary.key_points)
        shown = [summary.tldr, *summary.key_points]
        for pair in summary.qa:
            self.answers += 1
            self.kinds[question_kind(pair.question)] += 1
            self.repeating_answers += any(_covers(text, pair.answer) or _covers(pair.answer, text) for text in shown)
        questions = [set(_tokens(p.question)) for p in summary.qa]
        for i, first in enumerate(questions):
            for second in questions[i + 1 :]:
                self.alike_questions += len(first & second) / max(1, len(first | second)) >= 0.6

    def print(self) -> None:
        n = max(1, self.articles_with_text)
        mean = sum(k * v for k, v in self.pairs.items()) / n
        shares = " ".join(f"{k}: {100 * self.pairs[k] / n:.0f}%" for k in range(4))
        print(f"\nquestions answered, {self.name} ({self.articles_with_text} articles with a summary):")
        print(f"  pairs per article: mean {mean:.2f}; articles with {shares}")
        print(
            f"  answers repeating the TL;DR or a key point: {self.repeating_answers} of {self.answers} "
            f"({100 * self.repeating_answers / max(1, self.answers):.1f}%); near-duplicate question pairs: "
            f"{self.alike_questions}"
        )
        print(
            f"  TL;DR repeated by a key point: {self.tldr_repeats} articles; TL;DR a shortened key point (the "
            f"lead compressed, its full sentence a key point): {self.tldr_compressed - self.tldr_repeats}"
        )
        kinds = ", ".join(
            f"{kind} {100 * count / max(1, self.answers):.0f}%" for kind, count in self.kinds.most_common()
        )
        print(f"  question kinds: {kinds}")


def load_scrapinghub(path: Path) -> list[Article]:
    """The human-marked article bodies, when the corpus root holds them (reference text: none)."""
    folder = next((p for p in (path / SCRAPINGHUB_DIR, path.parent / SCRAPINGHUB_DIR) if p.is_dir()), None)
    if folder is None:
        return []
    return [Article(f.stem[:12], f.read_text(encoding="utf-8"), "") for f in sorted(folder.glob("*.txt"))]


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
    if article.reference:
        lines += ["", f"**Human highlights:** {article.reference}"]
    lines.append("")
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

    # Warm-up: the first call loads the verb lexicon (a few hundred ms, once per process), not per article.
    summarize_extractive(SummaryInput(text=articles[0].text if articles else ""))
    table = RougeTable()
    timings_ms: list[float] = []
    summaries: list[Summary] = []
    qa_report = QAReport("summaries-cnndm")
    for article in articles:
        reference = sentences_of(article.reference)
        sentences = sentences_of(article.text)
        started = time.perf_counter()
        summary = summarize_extractive(SummaryInput(text=article.text))
        timings_ms.append((time.perf_counter() - started) * 1000)
        summaries.append(summary)
        qa_report.add(summary)
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
    qa_report.print()
    blog_articles = load_scrapinghub(args.corpus)
    blog_summaries: list[Summary] = []
    if blog_articles:
        blog_report = QAReport(f"{SCRAPINGHUB_DIR} bodies")
        blog_timings: list[float] = []
        for article in blog_articles:
            started = time.perf_counter()
            summary = summarize_extractive(SummaryInput(text=article.text))
            blog_timings.append((time.perf_counter() - started) * 1000)
            blog_summaries.append(summary)
            blog_report.add(summary)
        blog_report.print()
        print(
            f"  time per article: median {statistics.median(blog_timings):.2f} ms, "
            f"p95 {_percentile(blog_timings, 0.95):.2f} ms, max {max(blog_timings):.2f} ms"
        )

    if args.examples > 0:
        step = max(1, len(articles) // args.examples)
        picked = list(range(0, len(articles), step))[: args.examples]
        EXAMPLES_PATH.parent.mkdir(parents=True, exist_ok=True)
        body = "\n".join(_example_markdown(articles[i], summaries[i]) for i in picked)
        if blog_articles:
            blog_step = max(1, len(blog_articles) // 5)
            body += "\n# Scrapinghub article bodies (every article at a fixed stride)\n\n" + "\n".join(
                _example_markdown(blog_articles[i], blog_summaries[i])
                for i in list(range(0, len(blog_articles), blog_step))[:5]
            )
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
