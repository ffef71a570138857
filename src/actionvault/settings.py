"""Settings: one typed object, read from ACTIONVAULT_* environment variables and CLI flags."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of a server process; each field is documented in docs/reference/settings.md."""

    model_config = SettingsConfigDict(env_prefix="ACTIONVAULT_", extra="ignore", frozen=True)

    data_dir: Path = Field(default=Path("actionvault-data"))
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8700, ge=0, le=65535)
    agents_dir: Path | None = None
    objects_dir: Path | None = None
    max_file_bytes: int = Field(default=256 * 1024 * 1024, ge=1)

    workers: int = Field(default=4, ge=0, le=256)
    poll_interval: float = Field(default=1.0, gt=0)
    lease_seconds: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=3, ge=1)
    retry_backoff: float = Field(default=5.0, ge=0)
    action_timeout: float = Field(default=300.0, gt=0)
    shutdown_grace: float = Field(default=10.0, ge=0)
    retention_days: float = Field(default=30.0, ge=0)
    max_queued_per_user: int = Field(default=200, ge=1)
    max_queued_total: int = Field(default=100_000, ge=1)
    # Engine processes: the built-in engines and text extraction run there, killable.
    engine_processes: int | None = Field(default=None, ge=1, le=64)
    engine_memory_mb: int = Field(default=1024, ge=128)
    max_output_bytes: int = Field(default=1024 * 1024, ge=1024)
    extraction_timeout: float = Field(default=60.0, gt=0)

    session_idle_timeout: float = Field(default=1800.0, gt=0)
    session_max_age: float = Field(default=48 * 3600.0, gt=0, le=48 * 3600.0)
    session_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    lockout_threshold: int = Field(default=5, ge=1)
    lockout_seconds: float = Field(default=900.0, ge=0)
    burst_limit: int = Field(default=2000, ge=1)
    auth_burst_limit: int = Field(default=50, ge=2)

    demo_content: bool = False
    log_level: str = "info"

    vault_id: int = 1000
    vault_name: str = "actionvault"

    # HTTP edge and login limits
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    header_timeout: float = Field(default=10.0, gt=0)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_connections: int = Field(default=1000, ge=1)
    login_backoff_seconds: float = Field(default=1.0, gt=0)
    login_tracking_size: int = Field(default=10_000, ge=1)

    # Operations
    metrics_enabled: bool = True
    metrics_token: str | None = Field(default=None, repr=False)
    metrics_multiprocess_dir: Path | None = None
    health_timeout: float = Field(default=2.0, gt=0)
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    log_format: Literal["text", "json"] = "text"
    otlp_endpoint: str | None = None
    otlp_service_name: str = "actionvault"
    otlp_sample_ratio: float = Field(default=0.01, ge=0, le=1)

    @property
    def custom_agents_dir(self) -> Path:
        """Where agents posted through the API are written: the agents folder, or the data's."""
        return self.agents_dir or self.data_dir / "agents"

    @property
    def engine_process_count(self) -> int:
        """The configured count, or one per core (up to four): the engines are CPU work."""
        return self.engine_processes or min(os.cpu_count() or 1, 4)

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'actionvault.db').resolve()}"
