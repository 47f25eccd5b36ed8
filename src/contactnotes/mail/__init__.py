"""E-mail to people about what concerns them: mentions, due reminders, digests past the hourly cap."""
