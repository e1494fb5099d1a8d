"""Errors of the simulator, sorted by who must act.

- `ApiError`: the request is wrong; it becomes Binance's error JSON (`{"code", "msg"}`)
  with the HTTP status Binance uses, so ccxt maps it to the same exception as live.
- `ReplayDataError`: the replay folder or a CSV file is unusable; fix the files.
"""

from __future__ import annotations


class SimulatorError(Exception):
    """Base of the simulator's own errors."""


class ReplayDataError(SimulatorError):
    """A replay CSV file is missing, empty or malformed; the message names the file."""


class ApiError(SimulatorError):
    """A Binance API error answered to the client: HTTP status plus `{"code", "msg"}`."""

    def __init__(self, code: int, msg: str, *, status: int = 400) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.status = status

    def payload(self) -> dict[str, object]:
        return {"code": self.code, "msg": self.msg}


# Binance's codes and messages (spot REST API, "Error codes").
def unknown_error() -> ApiError:
    return ApiError(-1000, "An unknown error occurred while processing the request.", status=500)


def too_many_requests(msg: str) -> ApiError:
    return ApiError(-1003, msg, status=429)


def timestamp_outside_window() -> ApiError:
    return ApiError(-1021, "Timestamp for this request is outside of the recvWindow.")


def invalid_signature() -> ApiError:
    return ApiError(-1022, "Signature for this request is not valid.")


def illegal_parameter(name: str) -> ApiError:
    return ApiError(
        -1100,
        f"Illegal characters found in parameter '{name}'; legal range is "
        "'^[0-9]{1,20}(\\.[0-9]{1,20})?$'.",
    )


def mandatory_parameter(name: str) -> ApiError:
    return ApiError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def invalid_value(name: str) -> ApiError:
    return ApiError(-1104, f"Not all sent parameters were read; invalid value for '{name}'.")


def invalid_interval() -> ApiError:
    return ApiError(-1120, "Invalid interval.")


def invalid_symbol() -> ApiError:
    return ApiError(-1121, "Invalid symbol.")


def bad_recv_window(limit_ms: int) -> ApiError:
    return ApiError(-1131, f"recvWindow must be less than {limit_ms}.")


def filter_failure(name: str) -> ApiError:
    return ApiError(-1013, f"Filter failure: {name}")


def market_closed() -> ApiError:
    return ApiError(-1013, "Market is closed.")


def insufficient_balance() -> ApiError:
    return ApiError(-2010, "Account has insufficient balance for requested action.")


def order_would_take() -> ApiError:
    return ApiError(-2010, "Order would immediately match and take.")


def duplicate_order() -> ApiError:
    return ApiError(-2010, "Duplicate order sent.")


def unknown_order(*, cancelling: bool) -> ApiError:
    return ApiError(
        -2011 if cancelling else -2013,
        "Unknown order sent." if cancelling else "Order does not exist.",
    )


def api_key_format_invalid() -> ApiError:
    return ApiError(-2014, "API-key format invalid.", status=401)


def api_key_rejected() -> ApiError:
    return ApiError(-2015, "Invalid API-key, IP, or permissions for action.", status=401)
