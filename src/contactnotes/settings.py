"""The one settings object. Nothing else reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONTACTNOTES_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./var/contactnotes.db",
        description="SQLAlchemy URL. sqlite+aiosqlite:///path (embedded default) or postgresql+asyncpg://...",
    )
    database_pool_size: int = Field(default=10, description="Connections kept open per process (PostgreSQL).")
    var_dir: Path = Field(default=Path("./var"), description="Where embedded data (database, files) lives.")
    max_body_bytes: int = Field(default=1_000_000, description="Largest JSON request body accepted (413 above).")
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", description="Base URL of this service, used in links it hands out."
    )
    token_touch_interval_seconds: int = Field(
        default=60, description="How stale a token's last-used time may get before a request refreshes it."
    )
    log_level: str = Field(default="info", description="uvicorn log level.")

    # ---- events: worker, webhooks, email, stream (docs/events.md) ----
    embedded_worker: bool = Field(
        default=True, description="`serve` also runs a worker in-process when the database is SQLite."
    )
    worker_concurrency: int = Field(default=8, description="Events one worker process handles at once.")
    worker_poll_seconds: float = Field(default=0.5, description="How often an idle worker looks for new events.")
    worker_lease_seconds: float = Field(
        default=60, description="How long a claim lasts; a dead worker's events are retried after it."
    )
    worker_max_attempts: int = Field(default=10, description="Tries of a failing event before it is given up.")
    worker_retry_base_seconds: float = Field(default=2, description="First retry delay; doubles on each failure.")
    reminder_scan_seconds: float = Field(default=15, description="How often workers look for reminders come due.")
    redis_url: str | None = Field(
        default=None, description="redis://... to carry the real-time stream between processes over Redis pub/sub."
    )
    webhooks_allow_private_urls: bool = Field(
        default=False, description="Allow webhook URLs resolving to loopback, private or link-local addresses."
    )
    webhook_timeout_seconds: float = Field(default=10, description="Per-delivery HTTP timeout.")
    webhook_max_attempts: int = Field(default=8, description="Tries of one webhook delivery before it fails.")
    webhook_max_age_seconds: float = Field(default=86_400, description="No retry once a delivery is this old.")
    webhook_backoff_base_seconds: float = Field(default=10, description="First retry delay; doubles each time.")
    smtp_host: str | None = Field(default=None, description="SMTP server; mention and reminder emails need it.")
    smtp_port: int = Field(default=587, description="SMTP port.")
    smtp_username: str | None = Field(default=None, description="SMTP login, if the server wants one.")
    smtp_password: str | None = Field(default=None, description="SMTP password.")
    smtp_security: str = Field(default="starttls", description="starttls, ssl or none.")
    email_from: str = Field(default="contactnotes <notes@localhost>", description="From: of notification emails.")
    email_hourly_cap: int = Field(default=10, description="Emails per user per window; the rest go in one digest.")
    email_window_seconds: float = Field(default=3600, description="The window the email cap counts over.")
    note_url_template: str = Field(
        default="{base_url}/notes/{note_oid}", description="Link to a note in emails ({base_url}, {note_oid})."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
