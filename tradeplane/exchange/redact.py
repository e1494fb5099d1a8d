"""Keep credentials out of logs, reprs and error messages.

ccxt logs every request's headers (the API key among them) at DEBUG and puts signed URLs
into its exception messages; the gateway hands ccxt a `RedactingLogger` and passes every
message it re-raises through `Redactor`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

MASK = "***"
# Query parameters and headers that carry a credential or a signature, on any venue.
_SIGNED = re.compile(
    r"(?i)(signature|apikey|api_key|api-key|x-mbx-apikey|secret|passphrase|sign)"
    r"(['\"]?\s*[=:]\s*['\"]?)([^&\s'\",}]+)"
)


class Redactor:
    """Replaces known secrets and signed parameters in text by `***`."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: Any) -> str:
        rendered = str(text)
        for secret in self._secrets:
            rendered = rendered.replace(secret, MASK)
        return _SIGNED.sub(lambda match: match.group(1) + match.group(2) + MASK, rendered)


class RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger for ccxt: renders each message, masks secrets, then logs it.

    ccxt calls `logger.debug("%s %s, Request: %s %s", method, url, headers, body)`; the
    arguments are formatted here so that no record carries the raw headers in `args`.
    """

    def __init__(self, logger: logging.Logger, redactor: Redactor) -> None:
        super().__init__(logger, {})
        self._redactor = redactor

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if not self.isEnabledFor(level):
            return
        try:
            text = str(msg) % args if args else str(msg)
        except (TypeError, ValueError):
            text = " ".join(str(part) for part in (msg, *args))
        kwargs.pop("exc_info", None)  # tracebacks may hold locals with headers
        self.logger.log(level, self._redactor(text), **kwargs)
