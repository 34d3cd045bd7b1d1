"""The case domain: numbering, legal clocks, and the one service that changes cases."""

# The search words follow every change of a case's text (an ORM listener).
from cases import search as _search  # noqa: E402,F401
