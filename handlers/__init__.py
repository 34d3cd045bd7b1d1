"""Jobs that act on stored rows. They take ids, load what they need, call nlp/ and the
case services, and commit once at the end. Run by rq on Redis, or inline without Redis.

``QueuedJobs`` is the runner the app factory installs behind ``cases.jobs``: the floors
below hand work here without importing this package."""
from __future__ import annotations

from handlers.inbound import classify_case
from handlers.outbound import send_message
from handlers.queue import enqueue, init_queue


class QueuedJobs:
    """cases.jobs.Jobs: each job on rq when Redis is configured, inline otherwise."""

    def classify_case(self, case_id: int) -> None:
        enqueue(classify_case, case_id)

    def send_message(self, message_id: int) -> None:
        enqueue(send_message, message_id)


__all__ = ["QueuedJobs", "enqueue", "init_queue"]
