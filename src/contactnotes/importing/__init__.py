"""Importing notes from other systems' CSV exports (docs/import.md)."""
