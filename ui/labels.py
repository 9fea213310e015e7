"""Kept only so ui/data.py still imports: every label now lives in firedash.glossary (delete after the merge)."""

from firedash.glossary import PAGE_TITLES, TEXT, label, text

__all__ = ["PAGE_TITLES", "TEXT", "label", "text"]
