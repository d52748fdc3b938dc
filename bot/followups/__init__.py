"""Follow-up questions about one article: retrieval (`bot.summarize.passages`), and answers offline or by a model."""
