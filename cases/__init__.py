"""The case domain: numbering, legal clocks, and the one service that changes cases."""
