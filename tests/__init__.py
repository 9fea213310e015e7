"""Tests of the fire-prevention dashboard."""
