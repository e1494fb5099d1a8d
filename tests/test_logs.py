"""JSON logs carry extra fields and exceptions, one object per line."""

import json
import logging

from tradeplane.logs import JsonFormatter


def test_json_formatter_includes_extra_fields_and_exception() -> None:
    logger = logging.getLogger("tradeplane.test")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logger.makeRecord(
            "tradeplane.test", logging.ERROR, __file__, 1, "failed %s", ("once",),
            exc_info=__import__("sys").exc_info(), extra={"symbol": "ETH/BTC"},
        )  # fmt: skip
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["message"] == "failed once"
    assert payload["level"] == "ERROR"
    assert payload["symbol"] == "ETH/BTC"
    assert "ValueError: boom" in payload["exception"]
    assert "\n" not in line
