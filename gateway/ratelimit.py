"""Per-channel outbound rate limits, counted in SMS segments per minute.

With Redis the count is shared by every process (one key per channel and minute); without
it the embedded single-process setup counts in the app's memory."""
from __future__ import annotations

import threading
import time

from flask import current_app
from redis.exceptions import RedisError

_lock = threading.Lock()


def reserve(channel: str, segments: int, now: float | None = None) -> float:
    """Take `segments` from this minute's budget: 0 when granted, else seconds to wait."""
    limit = current_app.config["OUTBOUND_SEGMENTS_PER_MINUTE"].get(channel)
    if not limit or segments <= 0:
        return 0.0
    now = time.time() if now is None else now
    minute = int(now // 60)
    key = f"gateway:rate:{channel}:{minute}"
    used = _take(key, segments)
    if used <= limit or used == segments:  # one over-long message still goes, alone
        return 0.0
    _take(key, -segments)
    return 60 - now % 60


def _take(key: str, amount: int) -> int:
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        try:
            pipe = queue.connection.pipeline()
            pipe.incrby(key, amount).expire(key, 120)
            return int(pipe.execute()[0])
        except RedisError:  # Redis down: count in this process rather than not send at all
            pass
    with _lock:
        local = current_app.extensions.setdefault("outbound_rate", {})
        local[key] = local.get(key, 0) + amount
        for old in [k for k in local if int(k.rsplit(":", 1)[1]) < int(key.rsplit(":", 1)[1])]:
            del local[old]
        return local[key]
