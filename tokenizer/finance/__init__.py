"""Structured finance: the payment waterfall of a deal with tranches (exact integer mirror)."""
