"""What the LLM summariser costs outside the model, and how many article tokens it sends.

    python -m benchmarks.llm [--corpus ../shared/corpus]

A local Chat Completions server on 127.0.0.1 answers at once with a summary made of the article's own sentences
(so grounding keeps them, as it would a faithful model), so the time measured per summary is linkbrief's own:
prompt building (passage choice for long articles), the HTTP round trip on loopback, validation and grounding.
Prints median / p95 per article over the extraction corpus bodies and the CNN/DailyMail articles, and the
estimated input tokens sent per article at the default budget (12,000).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import time
from pathlib import Path

from aiohttp import web

from benchmarks.corpus_site import percentile
from bot.summarize.base import SummaryInput
from bot.summarize.extractive import ExtractiveSummarizer
from bot.summarize.llm import LLMConfig, LLMSummarizer
from bot.summarize.llm_prompt import ARTICLE_END, ARTICLE_START, build_prompt

REPO = Path(__file__).resolve().parent.parent
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def faithful_answer(user_message: str) -> dict[str, object]:
    """A summary a faithful model could write: the article's own sentences."""
    article = user_message.split(ARTICLE_START, 1)[-1].split(ARTICLE_END, 1)[0]
    sentences = [s.strip() for s in _SENTENCE.split(" ".join(article.split())) if len(s.split()) >= 5]
    sentences = [s for s in sentences if "[…]" not in s] or ["The article says little."]
    points = (sentences * 4)[:4]
    return {
        "tldr": sentences[0],
        "key_points": points,
        "qa": [{"question": "What does the article report?", "answer": s} for s in sentences[4:6]],
    }


async def model_server() -> tuple[web.AppRunner, str]:
    async def completions(request: web.Request) -> web.Response:
        body = await request.json()
        content = json.dumps(faithful_answer(body["messages"][-1]["content"]))
        return web.json_response(
            {
                "id": "chatcmpl-bench",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    app = web.Application(client_max_size=64 * 2**20)
    app.router.add_post("/v1/chat/completions", completions)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/v1"


def load_articles(corpus: Path) -> dict[str, list[SummaryInput]]:
    bodies = [
        SummaryInput(text=path.read_text(encoding="utf-8"))
        for path in sorted((corpus / "extraction-scrapinghub").glob("*.txt"))
    ]
    with (corpus / "summaries-cnndm" / "frank-cnndm.jsonl").open(encoding="utf-8") as lines:
        news = [SummaryInput(text=json.loads(line)["article"], language="en") for line in lines if line.strip()]
    return {"extraction-scrapinghub bodies": bodies, "summaries-cnndm": news}


async def main_async(args: argparse.Namespace) -> None:
    sets = load_articles(Path(args.corpus))
    runner, base_url = await model_server()
    config = LLMConfig(base_url=base_url, api_key="bench", model="bench-model", concurrency=1)
    summarizer = LLMSummarizer(config, fallback=ExtractiveSummarizer())
    try:
        for name, articles in sets.items():
            times, tokens, fallbacks = [], [], 0
            for article in articles:
                prompt = build_prompt(article, max_input_tokens=config.max_input_tokens)
                tokens.append(prompt.estimated_tokens)
                started = time.perf_counter()
                summary = await summarizer.summarize(article)
                times.append((time.perf_counter() - started) * 1000)
                fallbacks += summary.fallback_reason is not None
            print(f"{name}: {len(articles)} articles")
            print(
                f"  overhead per summary (prompt, loopback call, validation, grounding): "
                f"median {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
                f"max {max(times):.1f} ms"
            )
            print(
                f"  input tokens sent (estimated, budget {config.max_input_tokens}): median "
                f"{statistics.median(tokens):.0f}, p95 {percentile(tokens, 0.95):.0f}, max {max(tokens)}, "
                f"total {sum(tokens):,}"
            )
            print(f"  offline fallbacks: {fallbacks}")
    finally:
        await summarizer.aclose()
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
