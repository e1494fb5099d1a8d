"""Compact bytes for cached records (the shared KV tier stores these).

Records are flat frozen dataclasses, so a batch is written column-aware: the field names
once, then one row of values per record (2000 tickers fit in ~0.2 MB of JSON, ~0.1 MB
compressed, well under NATS's default 1 MB message limit). Lists in a row become tuples
again on the way back (order-book levels).
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from typing import Any, Generic, Literal, TypeVar

R = TypeVar("R")
Shape = Literal["one", "list", "map"]

_RAW = b"j"
_COMPRESSED = b"z"
COMPRESS_ABOVE = 2048


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    return value


class RecordCodec(Generic[R]):
    """Encodes one record, a list of records or a `{key: record}` map of one class."""

    def __init__(self, record: type[R], shape: Shape) -> None:
        if not dataclasses.is_dataclass(record):
            raise TypeError(f"{record!r} is not a dataclass")
        self.record = record
        self.shape = shape
        self.fields = tuple(field.name for field in dataclasses.fields(record))

    def _row(self, item: Any) -> list[Any]:
        return [getattr(item, name) for name in self.fields]

    def _make(self, row: list[Any]) -> R:
        if len(row) != len(self.fields):
            raise ValueError(f"row of {len(row)} values for {len(self.fields)} fields")
        return self.record(*(_tuples(value) for value in row))

    def to_json(self, value: Any) -> bytes:
        if self.shape == "one":
            body: dict[str, Any] = {"f": self.fields, "r": self._row(value)}
        elif self.shape == "list":
            body = {"f": self.fields, "r": [self._row(item) for item in value]}
        else:
            body = {
                "f": self.fields,
                "k": list(value),
                "r": [self._row(item) for item in value.values()],
            }
        return json.dumps(body, separators=(",", ":"), allow_nan=True).encode()

    def from_json(self, data: bytes) -> Any:
        body = json.loads(data)
        if tuple(body["f"]) != self.fields:  # written by another version: a miss, not a crash
            raise ValueError("cached record has other fields")
        if self.shape == "one":
            return self._make(body["r"])
        rows = [self._make(row) for row in body["r"]]
        if self.shape == "list":
            return rows
        return dict(zip(body["k"], rows, strict=True))


def pack(payload: bytes, *, compress: bool = True) -> bytes:
    """Prefix a marker byte; compress larger payloads."""
    if compress and len(payload) > COMPRESS_ABOVE:
        return _COMPRESSED + zlib.compress(payload, 1)
    return _RAW + payload


def unpack(blob: bytes) -> bytes:
    marker, body = blob[:1], blob[1:]
    if marker == _COMPRESSED:
        return zlib.decompress(body)
    if marker == _RAW:
        return body
    raise ValueError("unknown cache blob marker")
