"""The article-extraction metric of the Scrapinghub (Zyte) benchmark, reimplemented exactly.

Why a reimplementation: published tables (trafilatura 0.958, AutoExtract 0.970, ...) are computed with that
benchmark's `evaluate.py`; our figures are only comparable if every detail matches:

- tokens are `\\w+` runs, case kept;
- a text becomes the multiset of its 4-token shingles (a text of 1-3 tokens is one shorter shingle, an empty
  text has none);
- per page: tp = shared shingle counts, fp / fn = the excess on the prediction / truth side, all three divided
  by tp + fp + fn so long pages weigh no more than short ones;
- **benchmark F1**: precision = mean per-page precision over pages with tp + fp > 0 (a non-empty prediction),
  recall = mean per-page recall over pages with tp + fn > 0 (a non-empty truth), F1 = harmonic mean of the two
  means. An extractor that returns nothing on a hard page loses recall there but no precision;
- **per-page F1** (stricter): the mean over all pages of each page's own F1, an empty prediction scoring 0.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 4


def tokenize(text: str | None) -> list[str]:
    """`\\w+` runs, case kept (the benchmark's own tokenizer)."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n tokens is a single shorter shingle."""
    tokens = tokenize(text)
    counts: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            counts[shingle] += 1
    return counts


@dataclass(frozen=True, slots=True)
class PageScore:
    """Normalised shingle counts of one page (tp + fp + fn == 1 unless both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        """This page's own F1; an empty prediction (tp == fp == 0) scores 0 unless the truth is empty too."""
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    @property
    def predicted_something(self) -> bool:
        return self.tp + self.fp > 0

    @property
    def has_truth(self) -> bool:
        return self.tp + self.fn > 0


def score_page(truth: str | None, prediction: str | None) -> PageScore:
    """tp / fp / fn over 4-token shingle multisets, normalised by their sum."""
    true_counts = shingles(truth)
    pred_counts = shingles(prediction)
    tp = float(sum((true_counts & pred_counts).values()))
    fp = float(sum((pred_counts - true_counts).values()))
    fn = float(sum((true_counts - pred_counts).values()))
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn)


@dataclass(frozen=True, slots=True)
class CorpusScore:
    """Both aggregations over a corpus."""

    precision: float
    recall: float
    benchmark_f1: float
    per_page_f1: float
    pages: int


def aggregate(scores: Iterable[PageScore]) -> CorpusScore:
    """Benchmark F1 (harmonic mean of mean precision and mean recall) and mean per-page F1."""
    page_scores = list(scores)
    precisions = [s.precision for s in page_scores if s.predicted_something]
    recalls = [s.recall for s in page_scores if s.has_truth]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    per_page = statistics.mean(s.f1 for s in page_scores) if page_scores else 0.0
    return CorpusScore(precision, recall, f1, per_page, len(page_scores))
