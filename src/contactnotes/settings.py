"""The one settings object. Nothing else reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_ALLOWED_TYPES = (
    "application/pdf",
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif", "image/tiff", "image/bmp",
    "text/plain", "text/csv", "application/rtf", "text/rtf",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/ogg", "audio/x-wav", "audio/wav", "video/mp4",
    "message/rfc822",
)  # fmt: skip


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
    log_level: str = Field(default="info", description="Log level of every logger (debug, info, warning, error).")
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed to call the APIs (JSON list); none by default.",
    )
    redis_url: str | None = Field(
        default=None,
        description="redis://... shared by every server process: rate-limit counters and the real-time stream "
        "(pub/sub). Unset: counters in-process, stream over PostgreSQL LISTEN or the SQLite table.",
    )
    virtuous_rate_limit: int = Field(
        default=5000, description="Requests per organization per window on the Virtuous API (429 above)."
    )
    tether_user_rate_limit: int = Field(
        default=10_000, description="Requests per user per window on the TetherAI API (429 above); 0: no limit."
    )
    tether_org_rate_limit: int = Field(
        default=100_000,
        description="Requests per organization per window on the TetherAI API, all its users together (429 "
        "above); 0: no limit.",
    )
    rate_limit_window_seconds: int = Field(default=3600, description="Length of a rate-limit window.")
    access_token_days: int = Field(default=15, description="Lifetime of an access token from POST /Token.")
    refresh_token_days: int = Field(default=365, description="Lifetime of a refresh token from POST /Token.")
    login_failure_limit: int = Field(
        default=5,
        description="Failed password attempts (POST /Token, web sign-in) per account and window before refusing.",
    )
    login_failure_window_seconds: int = Field(default=900, description="Window of login_failure_limit.")

    # ---- the web app (docs/web.md) ----
    web_session_days: int = Field(default=14, description="How long a browser stays signed in to the web app.")
    web_secure_cookies: bool | None = Field(
        default=None,
        description="Mark the session cookie Secure; unset: when the request came over HTTPS (behind a proxy, "
        "from its X-Forwarded-Proto).",
    )
    web_trusted_origins: list[str] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) besides public_base_url whose pages may post to the web app "
        "(JSON list), e.g. the address a reverse proxy serves it at.",
    )

    # ---- attachments and file storage (docs/storage.md) ----
    storage_backend: Literal["local", "s3"] = Field(
        default="local", description="Where uploaded files live: `local` (files under storage_dir) or `s3`."
    )
    storage_dir: Path | None = Field(default=None, description="Local backend: the directory (default var_dir/files).")
    s3_endpoint_url: str | None = Field(
        default=None, description="S3 API endpoint; unset for AWS S3 (R2: https://<account>.r2.cloudflarestorage.com)."
    )
    s3_region: str = Field(default="us-east-1", description="Region the signatures name (R2: `auto`).")
    s3_bucket: str = Field(default="contactnotes", description="Bucket holding every organization's files.")
    s3_access_key_id: str | None = Field(default=None, description="Access key id (unset: the AWS default chain).")
    s3_secret_access_key: SecretStr | None = Field(default=None, description="Secret access key.")
    s3_addressing_style: Literal["path", "virtual", "auto"] = Field(
        default="path", description="`path` works with every S3-compatible store; `virtual` for AWS-only setups."
    )
    s3_part_size_bytes: int = Field(
        default=5 * 1024 * 1024, description="Multipart upload part size; bounds the memory one upload uses."
    )
    upload_max_files: int = Field(default=10, description="Files accepted in one POST /api/upload.")
    upload_max_bytes: int = Field(default=50 * 1024 * 1024, description="Largest file accepted (50 MiB).")
    upload_max_in_flight: int = Field(
        default=4,
        ge=1,
        description="Uploads one user (POST /api/upload), or one direct-upload grant (its signed PUT), may have "
        "in flight at once in one server process (429 above).",
    )
    request_body_grace_seconds: float = Field(
        default=30, ge=0, description="Time any request body may take before request_body_min_rate applies (408 after)."
    )
    request_body_min_rate: int = Field(
        default=8192,
        ge=1,
        description="Bytes a second a request body must average after the grace time (408 below); "
        "bounds how long a slow client can keep an upload open.",
    )
    upload_allowed_types: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ALLOWED_TYPES),
        description="Content types, as sniffed from the bytes, that may be uploaded (JSON list).",
    )
    upload_ttl_hours: int = Field(
        default=24, description="`contactnotes cleanup` removes uploads not attached to a note after this."
    )
    signed_url_seconds: int = Field(default=900, description="Lifetime of the download links in answers.")
    presign_seconds: int = Field(default=3600, description="Lifetime of a direct-upload grant (uploads/presign).")
    link_signing_keys: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="Secrets that sign local links, by key id (JSON object). Unset: one made in var_dir.",
    )
    link_signing_key_id: str | None = Field(
        default=None, description="Which of link_signing_keys signs new links (the others still verify)."
    )

    @property
    def files_dir(self) -> Path:
        return self.storage_dir or self.var_dir / "files"

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
        default="{base_url}/api/contact-notes/{note_oid}",
        description="Link to a note in emails ({base_url}, {note_oid}); point it at your web client's note page.",
    )

    # ---- operations: logs, metrics, health (docs/deploy.md) ----
    log_format: Literal["json", "text"] = Field(
        default="json", description="`json`: one JSON object per line on stderr (requests, jobs, errors); `text`."
    )
    metrics_enabled: bool = Field(
        default=False, description="Serve Prometheus metrics at /metrics (open to whoever reaches it)."
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="Serve /metrics only to `Authorization: Bearer <this token>` (enables it)."
    )
    worker_metrics_address: str | None = Field(
        default=None,
        description="host:port where `contactnotes worker` serves its Prometheus metrics (no token: bind it "
        "to a private address); unset: not served.",
    )
    health_expect_worker: bool = Field(
        default=False, description="/readyz also requires a fresh heartbeat from some worker process."
    )
    health_worker_max_age_seconds: float = Field(
        default=60, description="A worker heartbeat older than this makes /readyz fail (when a worker is expected)."
    )
    health_timeout_seconds: float = Field(default=2, description="Longest /readyz waits for any one check.")

    @model_validator(mode="after")
    def _check_ranges(self) -> Settings:
        # Checked when the settings are read (at start-up), so a zero lifetime or window stops the process with
        # a message naming the variable, rather than failing some later request.
        for name in POSITIVE:
            if getattr(self, name) <= 0:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be greater than 0 (it is {getattr(self, name)})")
        for name in NOT_NEGATIVE:
            if getattr(self, name) < 0:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be 0 or more (it is {getattr(self, name)})")
        return self


ENV_PREFIX = "CONTACTNOTES_"
# Lifetimes, windows, sizes and counts that mean nothing at zero (a token that expires as it is issued).
POSITIVE = (
    "database_pool_size", "max_body_bytes", "rate_limit_window_seconds", "access_token_days", "refresh_token_days",
    "login_failure_limit", "login_failure_window_seconds", "s3_part_size_bytes", "upload_max_files",
    "upload_max_bytes", "upload_ttl_hours", "signed_url_seconds", "presign_seconds", "worker_concurrency",
    "worker_poll_seconds", "worker_lease_seconds", "worker_max_attempts", "reminder_scan_seconds",
    "webhook_timeout_seconds", "webhook_max_attempts", "webhook_max_age_seconds", "email_window_seconds",
    "health_worker_max_age_seconds", "health_timeout_seconds",
)  # fmt: skip
# Where 0 means "none" or "no limit".
NOT_NEGATIVE = (
    "token_touch_interval_seconds", "virtuous_rate_limit", "tether_user_rate_limit", "tether_org_rate_limit",
    "worker_retry_base_seconds", "webhook_backoff_base_seconds", "email_hourly_cap",
)  # fmt: skip


def settings_problems(error: ValidationError) -> str:
    """One line per bad setting, naming its environment variable: what `contactnotes` prints when it stops."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(message if not where else f"{ENV_PREFIX}{where.upper()}: {message}")
    return "invalid settings:\n" + "\n".join(f"  {line}" for line in lines)


@lru_cache
def get_settings() -> Settings:
    return Settings()
