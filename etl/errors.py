"""The error raised for a ledger file that cannot be read at all."""

from __future__ import annotations


class LedgerError(Exception):
    """A file that cannot be read at all; str(exc) is a one-line Chinese reason shown to the user."""
