"""Erasing a contact and everything about them (GDPR art. 17), with an audit record of what went."""
