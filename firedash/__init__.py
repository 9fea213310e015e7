"""Shared core of the fire-prevention dashboard: configuration, the DuckDB store and on-screen labels."""
