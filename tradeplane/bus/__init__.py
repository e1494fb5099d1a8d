"""The event bus on NATS JetStream: subjects and streams, envelopes, publishing, durable
pull consumers with dead-lettering, and versioned state in a KV bucket.

Every other package talks to NATS through this one; `subjects` is the one place that
names subjects, streams and buckets.
"""

from tradeplane.bus.config import BusConfig
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.consumer import PullConsumer
from tradeplane.bus.delivery import Delivery
from tradeplane.bus.envelope import decode_envelope, decode_payload, new_event
from tradeplane.bus.errors import BusError, BusUnavailable, UndecodableEvent
from tradeplane.bus.provisioning import ensure_key_value, ensure_streams
from tradeplane.bus.publisher import Publisher

__all__ = [
    "BusConfig",
    "BusConnection",
    "BusError",
    "BusUnavailable",
    "Delivery",
    "Publisher",
    "PullConsumer",
    "UndecodableEvent",
    "decode_envelope",
    "decode_payload",
    "ensure_key_value",
    "ensure_streams",
    "new_event",
]
