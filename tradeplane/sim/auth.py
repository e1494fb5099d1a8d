"""Signed-endpoint checks as Binance does them: API key, signature, timestamp, recvWindow.

The signature is HMAC-SHA256 (hex) of the request's query string followed by its body,
both exactly as sent and without the `signature` parameter, keyed by the API secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping

from tradeplane.sim import errors

DEFAULT_RECV_WINDOW_MS = 5_000
FUTURE_TOLERANCE_MS = 1_000
_KEY_FORMAT = re.compile(r"^[A-Za-z0-9]{1,128}$")


def new_credentials() -> tuple[str, str]:
    """A random API key and secret in Binance's shape (64 alphanumerics each)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return tuple("".join(secrets.choice(alphabet) for _ in range(64)) for _ in range(2))  # type: ignore[return-value]


def sign(payload: str, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def _without_signature(raw: str) -> tuple[str, str | None]:
    """`raw` minus its `signature=` parameter, and that signature (None if absent)."""
    kept, signature = [], None
    for part in raw.split("&") if raw else []:
        if part.startswith("signature="):
            signature = part[len("signature=") :]
        else:
            kept.append(part)
    return "&".join(kept), signature


def check_api_key(sent: str | None, expected: str) -> None:
    if not sent or not _KEY_FORMAT.match(sent):
        raise errors.api_key_format_invalid()
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise errors.api_key_rejected()


def verify_signed(
    *,
    api_key_header: str | None,
    raw_query: str,
    raw_body: str,
    params: Mapping[str, str],
    api_key: str,
    api_secret: str,
    now_ms: int,
    recv_window_max_ms: int,
) -> None:
    """Raise the `ApiError` Binance would answer, or return if the request is authentic."""
    check_api_key(api_key_header, api_key)
    query, query_signature = _without_signature(raw_query)
    body, body_signature = _without_signature(raw_body)
    signature = query_signature or body_signature
    if not signature:
        raise errors.mandatory_parameter("signature")
    if "timestamp" not in params:
        raise errors.mandatory_parameter("timestamp")
    try:
        timestamp = int(params["timestamp"])
        recv_window = int(float(params.get("recvWindow", DEFAULT_RECV_WINDOW_MS)))
    except ValueError as error:
        raise errors.invalid_value("timestamp/recvWindow") from error
    if recv_window > recv_window_max_ms or recv_window <= 0:
        raise errors.bad_recv_window(recv_window_max_ms)
    expected = sign(query + body, api_secret)
    if not hmac.compare_digest(expected, signature.lower()):
        raise errors.invalid_signature()
    if timestamp >= now_ms + FUTURE_TOLERANCE_MS or now_ms - timestamp > recv_window:
        raise errors.timestamp_outside_window()
