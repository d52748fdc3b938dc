"""What a CPU-pool worker holds in memory before its first page; imported by the forkserver only.

The forkserver imports this module once (`set_forkserver_preload`), so every worker forked from it starts with
trafilatura, readability and lxml imported, the language model (about 1 s to load) in memory and the
summariser's word lists loaded, instead of paying that on each start. The bot's own process never imports it:
it would load the model there too (70 MB the parent does not use) and lower its priority.
"""

from __future__ import annotations

import os

import bot.pipeline.worker  # noqa: F401  (imports the whole extraction and summary stack)
from bot.pipeline.language import load_model
from bot.summarize.base import SummaryInput
from bot.summarize.extractive import summarize_extractive

# Workers yield the CPU to the bot's own process: extraction can wait a few milliseconds, while an unanswered
# Slack event is retried after 3 s (measured: event ack p99 about halves under load with this).
os.nice(10)
load_model()
# The summariser runs in these workers too; one small article loads its word lists.
summarize_extractive(SummaryInput(text="Workers start warm. The summariser loads its word lists once here."))
