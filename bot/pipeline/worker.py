"""What an extraction worker needs in memory before its first page.

The forkserver imports this module once (`set_forkserver_preload`), so every worker forked from it starts with
trafilatura, readability and lxml imported and the language model (about 1 s to load) already in memory,
instead of paying that on each start, including each restart after a runaway page was killed.
"""

from __future__ import annotations

import os

import bot.pipeline.extract  # noqa: F401  (imports the whole extraction stack)
from bot.pipeline.language import load_model
from bot.summarize.base import SummaryInput
from bot.summarize.extractive import summarize_extractive

# Workers yield the CPU to the bot's own process: extraction can wait a few milliseconds, while an unanswered
# Slack event is retried after 3 s (measured: event ack p99 about halves under load with this).
os.nice(10)
load_model()
# The summariser runs in these workers too; one small article loads its word lists.
summarize_extractive(SummaryInput(text="Workers start warm. The summariser loads its word lists once here."))
