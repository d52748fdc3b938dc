"""Typed pipeline failures.

Every way a shared link can fail to become a summary is one of these. Each carries a stable `code` (stored on
the share, printed in `--json`, used by the Slack reply) and a one-line `message` written for the person who
shared the link, so no caller ever has to turn a traceback into words.
"""

from __future__ import annotations

from typing import ClassVar


class PipelineError(Exception):
    """A link that cannot be summarised, with a code and a human message."""

    code: ClassVar[str] = "pipeline_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message}


class BadURL(PipelineError):
    code = "bad_url"


class BlockedAddress(PipelineError):
    code = "blocked_address"


class HTTPStatusError(PipelineError):
    code = "http_error"

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(message or f"The site answered with HTTP {status}.")
        self.status = status

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "status": self.status}


class FetchTimeout(PipelineError):
    code = "timeout"


class TooLarge(PipelineError):
    code = "too_large"


class UnsupportedType(PipelineError):
    code = "unsupported_type"


class NotArticle(PipelineError):
    code = "not_article"


class ExtractionFailed(PipelineError):
    code = "extraction_failed"


class InternalError(PipelineError):
    """A bug on our side, not the link's fault; logged with its traceback, told to the user in one line."""

    code = "internal_error"
