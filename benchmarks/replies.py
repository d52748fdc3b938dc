"""The TL;DR and key points of replies to news pages outside the corpora, dumped for a person to grade, and the
grades kept so far summed up.

    python -m benchmarks.replies [--eval-dir DIR] [--out benchmarks/graded/replies-pending.jsonl]
                                 [--graded benchmarks/graded/replies.jsonl]

The pages are those `benchmarks.questions` reads outside the corpora (news pages of trafilatura's evaluation
set, unpacked in DIR, run through the real extraction) plus the next `EXTRA_PAGES` news pages of the set that
sample leaves out: about 100 pages in English, German, Spanish, French and Portuguese that the summariser was
not tuned on. Each is summarised offline and rendered for Slack as the bot would post it; every item a reader
sees above the questions (the TL;DR, each key point, as `render_summary` shows them, cuts included) is one
JSON line: page id, URL, language, title, `item` (`tldr` or `key_point`), `text`.

The graded file holds the same records plus "grade" and "reason". The rubric (benchmarks/graded/README.md):
- TL;DR: good (one or two complete sentences with their subject, carrying the article's main point), weak
  (complete but secondary, or a feature opening with little fact), bad (a fragment, a teaser without a verb,
  a dateline, byline or nav text, a caption, a sentence that needs one not shown, text not the article's);
- key point: good (a self-contained sentence adding an important fact not said already), weak (true and
  readable but minor, or mostly restating), bad (caption, credit, boilerplate, a quote that makes no sense
  alone, an unresolved pronoun or pointer, a fragment, a repeat).
A grade belongs to its exact text on its page: a change to extraction or the summariser costs a re-read of
only the items it changed, which the report lists. Figures: shares of good/weak/bad TL;DRs and key points
among graded current items, pages without a TL;DR, and replies showing at least one bad item.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from benchmarks.questions import DEFAULT_EVAL_DIR, Article, load_graded, load_outside, summarise, write_pending
from benchmarks.summaries import displayed_items

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "benchmarks" / "graded" / "replies-pending.jsonl"
DEFAULT_GRADED = REPO_ROOT / "benchmarks" / "graded" / "replies.jsonl"
EXTRA_PAGES = 40
GRADES = ("good", "weak", "bad")
ITEMS = ("tldr", "key_point")
_ITEM_OF_DISPLAYED = {"tldr": "tldr", "point": "key_point"}

Record = dict[str, object]


def dump(articles: list[Article]) -> list[Record]:
    """One record per TL;DR and key point shown; a page whose reply has no TL;DR gets a `tldr` record with
    empty text (a reply without its first line is graded too)."""
    records: list[Record] = []
    for article in articles:
        summary = summarise(article)
        shown = [(kind, text) for kind, text in displayed_items(summary) if kind in _ITEM_OF_DISPLAYED]
        if not any(kind == "tldr" for kind, _ in shown):
            shown.insert(0, ("tldr", ""))
        for kind, text in shown:
            records.append(
                {
                    "id": article.id,
                    "url": article.url,
                    "language": article.language,
                    "title": article.title,
                    "item": _ITEM_OF_DISPLAYED[kind],
                    "text": text,
                }
            )
    return records


def _key(record: Record) -> tuple[object, ...]:
    return (record.get("id"), record.get("item"), record.get("text"))


def report(articles: list[Article], records: list[Record], graded: dict[tuple[object, ...], Record]) -> None:
    print(f"{len(articles)} pages, {len(records)} items shown")
    for item in ITEMS:
        current = [r for r in records if r["item"] == item]
        grades = Counter(str(graded[_key(r)]["grade"]) for r in current if _key(r) in graded)
        total = sum(grades.values())
        shares = ", ".join(f"{g} {100 * grades[g] / max(1, total):.0f}%" for g in GRADES)
        print(f"  {item}: {len(current)} shown, graded {total}: {shares}")
    empty = sum(1 for r in records if r["item"] == "tldr" and not r["text"])
    print(f"  replies without a TL;DR: {empty}")
    by_page: dict[object, list[Record]] = {}
    for record in records:
        by_page.setdefault(record["id"], []).append(record)
    complete = [items for items in by_page.values() if all(_key(r) in graded for r in items)]
    with_bad = sum(1 for items in complete if any(graded[_key(r)]["grade"] == "bad" for r in items))
    all_good = sum(1 for items in complete if all(graded[_key(r)]["grade"] == "good" for r in items))
    print(
        f"  fully graded replies: {len(complete)}; with a bad item: {with_bad} "
        f"({100 * with_bad / max(1, len(complete)):.0f}%); every item good: {all_good}"
    )
    by_language = Counter(str(r["language"]) for r in records if r["item"] == "tldr")
    print("  pages by language: " + ", ".join(f"{k} {v}" for k, v in by_language.most_common()))
    ungraded = [r for r in records if _key(r) not in graded]
    if ungraded:
        print(f"\n{len(ungraded)} items without a grade yet:")
        for record in ungraded:
            print(f"- [{str(record['id'])[:40]} {record['language']} {record['item']}] {record['text'] or '(none)'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--graded", type=Path, default=DEFAULT_GRADED)
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir():
        print(
            f"{args.eval_dir} is absent: unpack extraction-trafilatura-eval.tar.xz from the corpus there "
            f"(tar -xJf ... -C {args.eval_dir.parent})",
            file=sys.stderr,
        )
        return 1
    articles, refused = load_outside(args.eval_dir, extra=EXTRA_PAGES)
    print(f"news pages of {args.eval_dir}: {len(articles)} ({refused} refused by extraction)")
    records = dump(articles)
    write_pending(args.out, records)
    print(f"wrote {args.out}")
    report(articles, records, load_graded(args.graded, key=_key, grades=GRADES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
