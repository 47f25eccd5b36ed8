"""Exporting a contact's or an organization's data to one archive, and restoring an organization from it."""
