"""linkbrief: reads the articles shared in Slack and answers in the thread with a structured summary."""

__version__ = "0.1.0"
