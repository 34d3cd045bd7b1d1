"""The staff console: queues, the case page, dashboard, ledger export, phone simulator.

Views are thin: reads live in console.queries and console.stats, every change of a case
goes through cases.services. Every console response forbids inline script (CSP)."""
from console import actions, auth, helpers, report_archive, reports, simulator, views  # noqa: F401  (routes)
from console import models  # noqa: F401  (the audit table and indexes)
from console.blueprint import bp

__all__ = ["bp"]
