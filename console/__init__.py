"""The staff console: queues, the case page, dashboard, ledger export, phone simulator.

Views are thin: reads live in console.queries and console.stats, every change of a case
goes through cases.services. Every console response forbids inline script (CSP)."""
from console import actions, auth, helpers, hotspots, outbound, repeats, report_archive, reports, simulator, users, views  # noqa: F401  (routes)
from console import documents, reception, register, workflow  # noqa: F401  (文书, 接访, 登记, 交办/签收, 督办, 包案, 回访)
from console import informant_roster, informants  # noqa: F401  (信息员: reports, month, roster)
from console import models  # noqa: F401  (the audit table and indexes)
from console.blueprint import bp

__all__ = ["bp"]
