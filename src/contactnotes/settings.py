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
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed to call the APIs (JSON list); none by default.",
    )
    redis_url: str | None = Field(
        default=None,
        description="redis://... shared by every server process (rate-limit counters). Unset: kept in-process.",
    )
    virtuous_rate_limit: int = Field(
        default=5000, description="Requests per organization per window on the Virtuous API (429 above)."
    )
    rate_limit_window_seconds: int = Field(default=3600, description="Length of a rate-limit window.")
    access_token_days: int = Field(default=15, description="Lifetime of an access token from POST /Token.")
    refresh_token_days: int = Field(default=365, description="Lifetime of a refresh token from POST /Token.")
    login_failure_limit: int = Field(
        default=5, description="Failed POST /Token password attempts per account and window before 429."
    )
    login_failure_window_seconds: int = Field(default=900, description="Window of login_failure_limit.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
