"""Offline summariser quality and speed on CNN/DailyMail (250 articles with human highlights), and the quality of
its questions there and on the Scrapinghub article bodies (181 news and blog pages, a few not in English).

    python -m benchmarks.summaries [--corpus PATH] [--examples N]

PATH is the corpus root (default `../shared/corpus` relative to the repository), its `summaries-cnndm`
folder, or the `.jsonl` file itself (the Scrapinghub part needs the root). Prints ROUGE-1/2/Lsum F1
(`rouge-score`, stemming on; Lsum with one sentence a line, as papers report "ROUGE-L") for what a reader sees
(the TL;DR plus the key points as displayed, `Summary.key_points_beyond_tldr`: the bar is R-1 at or above
LEAD-3's in the same run), for the key points alone and the TL;DR alone, and for three baselines computed in the
same run on the same sentence splits:
- LEAD-3: the first three sentences;
- TextRank (Mihalcea & Tarau 2004): PageRank over word-overlap similarity, top 3 sentences;
- LexRank (Erkan & Radev 2004): PageRank over tf-idf cosine similarity above 0.1, top 3 sentences.
The baselines are implemented here (small, standard formulations) rather than pulled from `sumy`, whose
tokenizers need NLTK data downloads; the corpus README's figures come from other implementations, so both are
shown. Then the bar check; where key points come from (share taken from the lead: the first three sentences,
or on the Scrapinghub bodies, which have paragraphs, the first paragraph; share of articles whose key points are
just the sentences after the TL;DR); repetition in the reply as rendered for Slack (`render_summary`): the share
of replies in which two shown items (TL;DR, key points, answers) share 60% or more of their content words (bar
0%); how often the TL;DR repeats a key point, per-article time (wall median, p95, max, and CPU median and p95,
which stays put on a busy machine; plus a
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

from bot.slack.render import ArticleView, render_summary
from bot.summarize.base import Summary, SummaryInput
from bot.summarize.extractive import summarize_extractive
from bot.summarize.overlap import REPEAT_SHARE, content_words, first_repeat, tools_for
from bot.summarize.sentences import split_sentences

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
    ("where", re.compile(r"^Where\b")),
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

    def add(self, summary: Summary) -> None:
        if summary.tldr is None:
            return
        self.articles_with_text += 1
        self.pairs[len(summary.qa)] += 1
        self.tldr_repeats += tldr_repeats_key_point(summary)
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
            f"  TL;DR repeated by a key point (nearly all its words, not clearly shorter): {self.tldr_repeats} articles"
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


# --- what a reader sees in Slack ------------------------------------------------------------------------------

_ZERO_WIDTH = "\u200b"
_UNESCAPE = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def _plain(mrkdwn: str) -> str:
    text = mrkdwn.replace(_ZERO_WIDTH, "")
    for escaped, raw in _UNESCAPE:
        text = text.replace(escaped, raw)
    return text.strip()


def displayed_items(summary: Summary) -> list[tuple[str, str]]:
    """(kind, text) of every TL;DR, key point and answer in the reply `render_summary` builds for Slack."""
    view = ArticleView(url="https://example.com/a", title="A", site_name=None, author=None, published=None,
                       word_count=0, summary=summary)  # fmt: skip
    items: list[tuple[str, str]] = []
    for block in render_summary(view).blocks:
        text = block.get("text", {}).get("text", "") if block.get("type") == "section" else ""
        if text.startswith("*TL;DR*"):
            items.append(("tldr", _plain(text.removeprefix("*TL;DR*"))))
        elif text.startswith("*Key points*"):
            items += [("point", _plain(line[1:])) for line in text.split("\n")[1:] if line.startswith("•")]
        elif text.startswith("*Questions answered*"):
            items += [("answer", _plain(line[3:])) for line in text.split("\n") if line.startswith("*A*")]
    return items


class RepetitionReport:
    """How often a reply, as rendered for Slack, shows the same thing twice (content-word overlap)."""

    def __init__(self) -> None:
        self.replies = 0
        self.repeating: list[tuple[str, str, str, str]] = []
        self.items = Counter[str]()

    def add(self, summary: Summary) -> None:
        items = displayed_items(summary)
        if not items:
            return
        self.replies += 1
        self.items.update(kind for kind, _ in items)
        tools = tools_for([text for _, text in items])
        found = first_repeat([content_words(text, tools) for _, text in items])
        if found is not None:
            (kind_a, a), (kind_b, b) = items[found[0]], items[found[1]]
            self.repeating.append((kind_a, a, kind_b, b))

    def print(self, name: str) -> None:
        n = max(1, self.replies)
        per_reply = ", ".join(f"{kind} {count / n:.2f}" for kind, count in sorted(self.items.items()))
        print(
            f"  repetition ({name}, as rendered for Slack): {len(self.repeating)} of {self.replies} replies "
            f"({100 * len(self.repeating) / n:.1f}%) show two items sharing >= {REPEAT_SHARE:.0%} of their "
            f"content words (bar 0%); items per reply: {per_reply}"
        )
        for kind_a, a, kind_b, b in self.repeating[:3]:
            print(f"    {kind_a}: {a[:100]!r}\n    {kind_b}: {b[:100]!r}")


class LeadReport:
    """Where key points come from: the lead (first three sentences, or the first paragraph) or further on."""

    def __init__(self, by_paragraph: bool) -> None:
        self.by_paragraph = by_paragraph
        self.points = 0
        self.in_lead = 0
        self.articles = 0
        self.only_next = 0

    def add(self, text: str, summary: Summary) -> None:
        sentences = [s for s in split_sentences(text, None) if s.standalone]
        if not sentences or not summary.key_points:
            return
        first_block = sentences[0].block
        lead = [s for s in sentences if s.block == first_block] if self.by_paragraph else sentences[:3]
        lead_texts = {s.text for s in lead}
        positions = [next((s.index for s in sentences if s.text == p), -1) for p in summary.key_points]
        self.articles += 1
        self.points += len(summary.key_points)
        self.in_lead += sum(1 for p in summary.key_points if p in lead_texts)
        self.only_next += positions == [s.index for s in sentences[1 : 1 + len(positions)]]

    def print(self, name: str) -> None:
        where = "the first paragraph" if self.by_paragraph else "the first three sentences"
        print(
            f"  key points from {where} ({name}): {self.in_lead} of {self.points} "
            f"({100 * self.in_lead / max(1, self.points):.0f}%); articles whose key points are just the "
            f"sentences after the first: {self.only_next} of {self.articles}"
        )


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
    cpu_ms: list[float] = []  # CPU time of this process: the same figure on a busy machine, where wall time is not
    summaries: list[Summary] = []
    qa_report = QAReport("summaries-cnndm")
    repetition = RepetitionReport()
    lead_report = LeadReport(by_paragraph=False)
    for article in articles:
        reference = sentences_of(article.reference)
        sentences = sentences_of(article.text)
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = summarize_extractive(SummaryInput(text=article.text))
        timings_ms.append((time.perf_counter() - started) * 1000)
        cpu_ms.append((time.process_time() - cpu_started) * 1000)
        summaries.append(summary)
        qa_report.add(summary)
        repetition.add(summary)
        lead_report.add(article.text, summary)
        tldr = [summary.tldr] if summary.tldr else []
        table.add("displayed", reference, tldr + list(summary.key_points_beyond_tldr))
        table.add("key_points", reference, list(summary.key_points))
        table.add("tldr", reference, tldr)
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

    shown = table.mean("displayed")
    lead = table.mean("LEAD-3")
    rankers = [table.mean("TextRank"), table.mean("LexRank"), README_FIGURES["TextRank"]]
    rankers.append(README_FIGURES["LexRank"])
    beats_lead = shown[0] >= lead[0]
    beats_rankers = all(o >= max(r[k] for r in rankers) + CLEAR_MARGIN for k, o in enumerate(shown))
    print("\nbar: displayed (TL;DR + key points as shown) R-1 >= this run's LEAD-3: ", end="")
    print("MET" if beats_lead else "NOT MET", "  deltas vs this run's LEAD-3 (R-1 R-2 R-Lsum):", end=" ")
    print(" ".join(f"{o - m:+.2f}" for o, m in zip(shown, lead, strict=True)))
    print(f"bar: displayed >= TextRank/LexRank + {CLEAR_MARGIN} on every measure: ", end="")
    print("MET" if beats_rankers else "NOT MET")
    lead_report.print("summaries-cnndm")
    repetition.print("summaries-cnndm")

    print(
        f"\ntime per article (summarize_extractive, {len(timings_ms)} articles): "
        f"median {statistics.median(timings_ms):.2f} ms, p95 {_percentile(timings_ms, 0.95):.2f} ms, "
        f"max {max(timings_ms):.2f} ms; CPU median {statistics.median(cpu_ms):.2f} ms, "
        f"p95 {_percentile(cpu_ms, 0.95):.2f} ms"
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
        blog_repetition = RepetitionReport()
        blog_lead = LeadReport(by_paragraph=True)
        blog_timings: list[float] = []
        for article in blog_articles:
            started = time.perf_counter()
            summary = summarize_extractive(SummaryInput(text=article.text))
            blog_timings.append((time.perf_counter() - started) * 1000)
            blog_summaries.append(summary)
            blog_report.add(summary)
            blog_repetition.add(summary)
            blog_lead.add(article.text, summary)
        blog_report.print()
        blog_lead.print(SCRAPINGHUB_DIR)
        blog_repetition.print(SCRAPINGHUB_DIR)
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
    no_repeats = not repetition.repeating
    return 0 if beats_lead and beats_rankers and no_repeats else 1


if __name__ == "__main__":
    sys.exit(main())
