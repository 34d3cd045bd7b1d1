"""Jobs that act on stored rows. They take ids, load what they need, call nlp/ and the
case services, and commit once at the end. Run by rq on Redis, or inline without Redis.

``QueuedJobs`` is the runner the app factory installs behind ``cases.jobs``: the floors
below hand work here without importing this package."""
from __future__ import annotations

from handlers.inbound import check_message, classify_case
from handlers.outbound import send_message
from handlers.queue import enqueue, init_queue, queues


class QueuedJobs:
    """cases.jobs.Jobs: each job on rq when Redis is configured, inline otherwise."""

    def classify_case(self, case_id: int) -> None:
        # Classification is what finds a threat to life: urgent, inline if Redis is down.
        enqueue(classify_case, case_id, urgent=True)

    def send_message(self, message_id: int, urgent: bool = False) -> None:
        enqueue(send_message, message_id, urgent=urgent)

    def check_message(self, message_id: int) -> None:
        enqueue(check_message, message_id, urgent=True)  # a threat in any turn: urgent work


__all__ = ["QueuedJobs", "enqueue", "init_queue", "queues"]
