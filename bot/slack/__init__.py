"""Slack-facing pieces of linkbrief that do not depend on the article pipeline.

`links` decides which messages the bot reads and which article links it takes from them; `render` turns
summaries, duplicates, errors and search results into Block Kit messages that stay within Slack's limits and
cannot be used to ping people or forge links. The Bolt app and the worker are assembled on top of these.
"""
