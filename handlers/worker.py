"""The rq worker the gateway runs: urgent queue first, rq's scheduler inside, the sweep
scheduled at every maintenance round, and no child that outlives it.

rq's scheduler is a forked child holding a lock in Redis (with a TTL). If the worker is
killed with SIGKILL, that child would live on as an orphan still holding the lock; here it
is told by the kernel (PR_SET_PDEATHSIG) to die with its parent, so its lock expires and
another worker's maintenance takes it over. systemd's KillMode=control-group does the same
for a whole unit (docs/operations.md)."""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys

from flask import Flask
from redis.exceptions import RedisError
from rq import SimpleWorker

from handlers.sweeper import schedule_sweep

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


class GatewayWorker(SimpleWorker):
    """A SimpleWorker (jobs in-process: the classifier is loaded once) whose maintenance
    runs every SWEEP_INTERVAL_SECONDS instead of rq's 10 minutes, so a scheduler lost with
    Redis is restarted and the sweep re-scheduled within that interval."""

    # After Redis comes back, reconnect within seconds rather than rq's 60 s back-off.
    max_connection_wait_time = 5.0

    def __init__(self, queues, app: Flask, **kwargs) -> None:
        interval = max(5, int(app.config["SWEEP_INTERVAL_SECONDS"]))
        # rq waits on the queue for worker_ttl - 15 s between maintenance checks.
        super().__init__(queues, maintenance_interval=interval, worker_ttl=interval + 15, **kwargs)
        self.app = app

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        with self.app.app_context():
            try:
                schedule_sweep()
            except RedisError as exc:
                log.warning("could not schedule the sweep: %s", exc)


def die_with_parent() -> None:
    """Make every child forked from now on receive SIGTERM when this process dies."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    os.register_at_fork(after_in_child=lambda: libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0))
