"""Questions answered, dumped for a person to grade, and the grades kept so far summed up.

    python -m benchmarks.questions [--corpus PATH] [--eval-dir DIR]
                                   [--out benchmarks/graded/questions-pending.jsonl]
                                   [--graded benchmarks/graded/questions.jsonl]

Reads a deterministic sample of both corpora under PATH (default `../shared/corpus`): every `STEP`-th
CNN/DailyMail article (English news) and, from the Scrapinghub article bodies, every page not in English
(whatever the summariser does with them: templates, or no questions) plus every `STEP`-th English page.

Outside the corpora (pages the summariser was not tuned on): news pages of trafilatura's evaluation set,
unpacked in DIR (default `<tmp>/extraction-trafilatura-eval`, from `extraction-trafilatura-eval.tar.xz` in the
corpus: `tar -xJf ... -C /tmp`; the set is skipped with a note when DIR is absent). In file order, every
`EVAL_STEP`-th page whose URL host is one of `NEWS_HOSTS` (English and German news sites, a few Caribbean ones
by the set's `hard::<host>-...` names), then every `OTHER_STEP`-th page of `OTHER_NEWS_HOSTS` (Spanish, French
and Portuguese news sites: the other languages with question templates). Each page is read as bytes, decoded
as the fetcher decodes a body without a Content-Type header (`decode_html(None, body)`) and run through the
real extraction (`extract_article(html, url)`); pages it refuses (paywall, not an article) are left out and
counted. The summariser gets the extracted text, title, language and `page_qa`, as in the pipeline.

Each article is run through the full offline summariser, and every question–answer pair it shows is written
as one JSON line: the article reference (corpus: `cnndm`, `scrapinghub` or `outside`; id), language,
question, answer, the answer's sentence in the article with the sentence before it (what a grader needs to
judge a resolved pronoun), and the article's first words (for the outside set also its URL).

The graded file holds the same records plus "grade" (good | awkward | wrong) and "reason". Grading is done by
reading, so the figures here are only as fresh as the grades: the report says which pairs of the current
output have no grade yet (matched on article reference, question and answer), so a change to the generator
costs a re-read of only what it changed. Reported separately for the corpora (all, and the CNN/DailyMail
news articles) and for the set outside the corpora: share good and share wrong among graded current pairs,
pairs per article, share of articles with none, pairs by language.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from bot.errors import ExtractionFailed, NotArticle
from bot.pipeline.decoding import decode_html
from bot.pipeline.extract import extract_article
from bot.pipeline.language import language_tools
from bot.summarize.base import QAPair, Summary, SummaryInput
from bot.summarize.extractive import summarize_extractive

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_OUT = REPO_ROOT / "benchmarks" / "graded" / "questions-pending.jsonl"
DEFAULT_GRADED = REPO_ROOT / "benchmarks" / "graded" / "questions.jsonl"
DEFAULT_EVAL_DIR = Path(tempfile.gettempdir()) / "extraction-trafilatura-eval"
CNNDM_DIR = "summaries-cnndm"
SCRAPINGHUB_DIR = "extraction-scrapinghub"
# Every STEP-th article of each corpus: 125 of the 250 news articles, about 40 of the English pages (with the
# pages not in English, enough for the graded set: 150 pairs or more from 60 articles or more).
CNNDM_STEP = 2
SCRAPINGHUB_STEP = 4
OUTSIDE = "outside"


def _hosts(text: str) -> frozenset[str]:
    return frozenset(text.split())


# News sites of trafilatura's evaluation set (host without "www."; the `hard::` pages are named after theirs).
NEWS_HOSTS = _hosts(
    """
    abc13.com abc7news.com bbc.com bostonherald.com californiaglobe.com caymancompass.com cbsnews.com corkbeo.ie
    dailymail.co.uk economictimes.indiatimes.com edition.cnn.com gothamist.com independent.co.uk
    japantimes.co.jp kaieteurnewsonline.com kxan.com latimes.com miamitodaynews.com nytimes.com phillyvoice.com
    politico.com reuters.com scmp.com standard.co.uk telegraph.co.uk theguardian.com thelocal.se
    timesofisrael.com twincities.com vancouversun.com wsvn.com world.kbs.co.kr phys.org theverge.com
    jamaica.gleaner.com jamaicaobserver.com nationnews.com nowgrenada.com stluciatimes.com searchlight.vc
    thestkittsnevisobserver.com breakingbelizenews.com haitiantimes.com mercurynews.com
    zeit.de welt.de faz.net spiegel.de sueddeutsche.de tagesschau.de tagesspiegel.de taz.de stern.de focus.de
    nzz.ch tagesanzeiger.ch mdr.de ndr.de swr.de zdf.de www1.wdr.de hessenschau.de fr.de mopo.de express.de
    rnz.de ln-online.de mz-web.de rundschau-online.de tagblatt.ch wien.orf.at nachrichten.at deutschlandfunk.de
    dw.com badische-zeitung.de handelsblatt.com heise.de tag24.de osthessen-news.de kyffhaeuser-nachrichten.de
    nnz-online.de telebasel.ch neues-deutschland.de volksblatt.at
    """
)
# Spanish, French and Portuguese news sites of the set (the languages with question templates besides German).
OTHER_NEWS_HOSTS = _hosts(
    """
    elpais.com clarin.com lanacion.com.ar infobae.com eltiempo.com elespectador.com elcomercio.pe latercera.com
    elcolombiano.com eluniversal.com elnacional.com elnuevodia.com elpais.com.uy losandes.com.ar pagina12.com.ar
    ambito.com biobiochile.cl cooperativa.cl paginasiete.bo lostiempos.com hoy.com.py ultimahora.com
    eldeber.com.bo larepublica.pe trome.pe libero.pe publimetro.cl lacuarta.com minuto30.com elfaro.net
    elheraldo.hn laprensagrafica.com prensalibre.com soy502.com panamaamerica.com.pa diaadia.com.pa
    laestrella.com.pa larepublica.net 100noticias.com cubadebate.cu elnuevoherald.com
    lopinion.fr ledevoir.com franceculture.fr regards.fr sciencesetavenir.fr gala.fr
    brasil247.com correiobraziliense.com.br gazetadopovo.com.br campograndenews.com.br correio24horas.com.br
    """
)
# Every EVAL_STEP-th English or German news page of the set (about 45 of its 90, about 40 once refusals are
# left out) and every OTHER_STEP-th of the others (about 18 of 54).
EVAL_STEP = 2
OTHER_STEP = 3
GRADES = ("good", "awkward", "wrong")
_SENTENCE_END = re.compile(r"(?<=[.!?…\"”])\s+(?=[\"“‘A-Z0-9À-ÖØ-ÞА-Я])")


@dataclass(frozen=True, slots=True)
class Article:
    corpus: str
    id: str
    text: str
    title: str | None
    language: str | None
    page_qa: tuple[QAPair, ...] = ()
    url: str | None = None


def load_cnndm(root: Path) -> list[Article]:
    """Every CNNDM_STEP-th article of every CNN/DailyMail file, in file order."""
    articles: list[Article] = []
    for path in sorted((root / CNNDM_DIR).glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if number % CNNDM_STEP:
                continue
            record = json.loads(line)
            articles.append(Article("cnndm", record["id"], record["article"], record.get("title"), "en"))
    return articles


def load_scrapinghub(root: Path) -> list[Article]:
    """The ground-truth bodies: all pages not in English, every SCRAPINGHUB_STEP-th English one."""
    articles: list[Article] = []
    english = 0
    for path in sorted((root / SCRAPINGHUB_DIR).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        language = language_tools(text, None).code
        if language == "en":
            english += 1
            if (english - 1) % SCRAPINGHUB_STEP:
                continue
        articles.append(Article("scrapinghub", path.stem, text, None, language))
    return articles


def _host(url: str) -> str:
    """The page's host without "www."; for the set's `hard::<host>-<word>.html` names, the name itself."""
    if "://" in url:
        return (urlparse(url).hostname or "").removeprefix("www.")
    return url.split("::", 1)[-1].removeprefix("www.")


def is_news(url: str, hosts: frozenset[str] = NEWS_HOSTS) -> bool:
    host = _host(url)
    return any(host == news or host.startswith((news + "-", news + ".")) for news in hosts)


def _news_pages(directory: Path) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """(the set's English and German news pages, its Spanish, French and Portuguese ones): (html path, url)."""
    pages: list[tuple[Path, str]] = []
    others: list[tuple[Path, str]] = []
    for path in sorted(directory.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        url = str(record.get("url") or "")
        if url and is_news(url):
            pages.append((path.with_suffix(".html"), url))
        elif url and is_news(url, OTHER_NEWS_HOSTS):
            others.append((path.with_suffix(".html"), url))
    return pages, others


def _extracted(html_path: Path, url: str) -> Article | None:
    """The page as the pipeline extracts it; None when extraction refuses it (paywall, not an article)."""
    _charset, html = decode_html(None, html_path.read_bytes())
    try:
        extracted = extract_article(html, url if "://" in url else None)
    except (NotArticle, ExtractionFailed):
        return None
    return Article(
        OUTSIDE, html_path.stem, extracted.text, extracted.title, extracted.language, tuple(extracted.page_qa), url
    )


def _extract_pages(pages: list[tuple[Path, str]], limit: int | None = None) -> tuple[list[Article], int]:
    """(the pages the extraction keeps, up to `limit` of them; how many it refused on the way). Pages whose
    file is missing are skipped."""
    articles: list[Article] = []
    refused = 0
    for html_path, url in pages:
        if limit is not None and len(articles) >= limit:
            break
        if not html_path.is_file():
            continue
        article = _extracted(html_path, url)
        if article is None:
            refused += 1
        else:
            articles.append(article)
    return articles, refused


def load_outside(directory: Path, extra: int = 0) -> tuple[list[Article], int]:
    """(the sampled news pages of the evaluation set as the pipeline extracts them, pages it refused).

    `extra` more pages, the first not sampled (English and German news first), are added after the sample for
    a larger set (`benchmarks.replies`)."""
    pages, others = _news_pages(directory)
    sampled = pages[::EVAL_STEP] + others[::OTHER_STEP]
    articles, refused = _extract_pages(sampled)
    if extra:
        taken = set(sampled)
        more, more_refused = _extract_pages([page for page in pages + others if page not in taken], limit=extra)
        articles += more
        refused += more_refused
    return articles, refused


def summarise(article: Article) -> Summary:
    """The offline summary of an article, from what the pipeline gives the summariser."""
    return summarize_extractive(
        SummaryInput(text=article.text, title=article.title, language=article.language, page_qa=article.page_qa)
    )


def _context(text: str, answer: str) -> str:
    """The sentence before the answer and the answer's start, as the article has them (for judging pronouns)."""
    start = text.find(answer[:60])
    if start < 0:
        return ""
    before = _SENTENCE_END.split(text[max(0, start - 400) : start].strip())
    return (before[-1] + " " if before and before[-1] else "") + "[ANSWER] " + answer


def dump(articles: list[Article]) -> tuple[list[dict[str, object]], list[float]]:
    """(one record per pair, summarise time per article in ms); articles without a pair have no record."""
    records: list[dict[str, object]] = []
    times: list[float] = []
    for article in articles:
        started = time.perf_counter()
        summary = summarise(article)
        times.append(1000 * (time.perf_counter() - started))
        language = article.language or language_tools(article.text, None).code
        for pair in summary.qa:
            records.append(
                {
                    "corpus": article.corpus,
                    "id": article.id,
                    "language": language,
                    "question": pair.question,
                    "answer": pair.answer,
                    "context": _context(article.text, pair.answer),
                    "opening": " ".join(article.text.split()[:30]),
                }
            )
            if article.url:
                records[-1]["url"] = article.url
    return records, times


def _key(record: dict[str, object]) -> tuple[object, ...]:
    return (record.get("corpus"), record.get("id"), record.get("question"), record.get("answer"))


def load_graded(
    path: Path,
    key: Callable[[dict[str, object]], tuple[object, ...]] = _key,
    grades: tuple[str, ...] = GRADES,
) -> dict[tuple[object, ...], dict[str, object]]:
    """The graded records of a JSON-lines file by `key` (a later line for the same key wins); `benchmarks.replies`
    reads its own record with its key and grades."""
    if not path.is_file():
        return {}
    graded = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record.get("grade") in grades:
                graded[key(record)] = record
    return graded


def write_pending(path: Path, records: list[dict[str, object]]) -> None:
    """The records to grade, one JSON line each, as the graded file keeps them (`benchmarks.replies` too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def figures(
    label: str,
    articles: list[Article],
    pairs: list[dict[str, object]],
    graded: dict[tuple[object, ...], dict[str, object]],
) -> None:
    """One group's line of figures: pairs per article, articles with none, grades of the graded pairs."""
    refs = {(a.corpus, a.id) for a in articles}
    pairs = [r for r in pairs if (r["corpus"], r["id"]) in refs]
    without = refs - {(r["corpus"], r["id"]) for r in pairs}
    line = (
        f"{label}: {len(refs)} articles, {len(pairs)} pairs, {len(pairs) / max(1, len(refs)):.2f} per article, "
        f"{100 * len(without) / max(1, len(refs)):.0f}% with none"
    )
    grades = Counter(str(graded[_key(r)]["grade"]) for r in pairs if _key(r) in graded)
    total = sum(grades.values())
    if total:
        line += (
            f"; graded {total}: good {100 * grades['good'] / total:.0f}%, "
            f"awkward {100 * grades['awkward'] / total:.0f}%, wrong {100 * grades['wrong'] / total:.0f}%"
        )
    print(line)
    by_language = Counter(str(r["language"]) for r in pairs)
    if by_language:
        print("    pairs by language: " + ", ".join(f"{k} {v}" for k, v in by_language.most_common()))


def report(
    articles: list[Article], pairs: list[dict[str, object]], graded: dict[tuple[object, ...], dict[str, object]]
) -> None:
    corpora = [a for a in articles if a.corpus != OUTSIDE]
    outside = [a for a in articles if a.corpus == OUTSIDE]
    figures("all", articles, pairs, graded)
    figures("corpora", corpora, pairs, graded)
    figures("  news (CNN/DailyMail)", [a for a in corpora if a.corpus == "cnndm"], pairs, graded)
    figures("  Scrapinghub pages", [a for a in corpora if a.corpus == "scrapinghub"], pairs, graded)
    if outside:
        figures("outside the corpora (news)", outside, pairs, graded)
        figures("news (CNN/DailyMail and outside)", [a for a in articles if a.corpus != "scrapinghub"], pairs, graded)
    ungraded = [r for r in pairs if _key(r) not in graded]
    if ungraded:
        print(f"\n{len(ungraded)} pairs without a grade yet:")
        for record in ungraded:
            print(f"- [{record['corpus']} {str(record['id'])[:16]} {record['language']}] {record['question']}")
            print(f"    A: {record['answer']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--graded", type=Path, default=DEFAULT_GRADED)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    args = parser.parse_args(argv)
    articles = load_cnndm(args.corpus) + load_scrapinghub(args.corpus)
    if not articles:
        print(f"no articles under {args.corpus}", file=sys.stderr)
        return 1
    if args.eval_dir.is_dir():
        outside, refused = load_outside(args.eval_dir)
        articles += outside
        print(f"outside the corpora: {len(outside)} news pages of {args.eval_dir} ({refused} refused by extraction)")
    else:
        print(
            f"note: {args.eval_dir} is absent, so the set outside the corpora is skipped "
            f"(unpack extraction-trafilatura-eval.tar.xz from the corpus with tar -xJf ... -C {args.eval_dir.parent})"
        )
    records, times = dump(articles)
    write_pending(args.out, records)
    times.sort()
    print(f"wrote {args.out}; summarise median {times[len(times) // 2]:.1f} ms per article")
    report(articles, records, load_graded(args.graded))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
