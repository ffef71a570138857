"""Settings: one typed object, read from ACTIONVAULT_* environment variables and CLI flags."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from actionvault.content.extraction import ExtractionLimits


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
    engine_memory_mb: int = Field(default=1536, ge=128)
    max_output_bytes: int = Field(default=1024 * 1024, ge=1024)
    extraction_timeout: float = Field(default=60.0, gt=0)
    extraction_max_unpacked_mb: int = Field(default=100, ge=1)
    extraction_max_parts: int = Field(default=2_000, ge=1)
    extraction_max_pdf_pages: int = Field(default=2_000, ge=1)
    extraction_max_chars: int = Field(default=20_000_000, ge=1)

    session_idle_timeout: float = Field(default=1800.0, gt=0)
    session_max_age: float = Field(default=48 * 3600.0, gt=0, le=48 * 3600.0)
    session_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    lockout_threshold: int = Field(default=5, ge=1)
    lockout_seconds: float = Field(default=900.0, ge=0)
    burst_limit: int = Field(default=2000, ge=1)
    auth_burst_limit: int = Field(default=50, ge=2)

    demo_content: bool = False
    log_level: str = "info"
    # The web console at /console (actionvault.console).
    console_enabled: bool = True

    vault_id: int = 1000
    vault_name: str = "actionvault"

    # HTTP edge and login limits
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    header_timeout: float = Field(default=10.0, gt=0)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_connections: int = Field(default=1000, ge=1)
    login_backoff_seconds: float = Field(default=1.0, gt=0)
    login_tracking_size: int = Field(default=10_000, ge=1)

    # MCP
    mcp_call_wait: float = Field(default=60.0, ge=0)
    mcp_session_max_age: float = Field(default=8 * 3600.0, gt=0)
    mcp_tools_page_size: int = Field(default=100, ge=1, le=1000)

    # Execution events
    events_heartbeat: float = Field(default=15.0, gt=0)
    events_poll_interval: float = Field(default=0.1, gt=0)

    # Webhooks
    webhook_retry_window: float = Field(default=86_400.0, gt=0)
    webhook_retry_base: float = Field(default=5.0, gt=0)
    webhook_retry_max_delay: float = Field(default=3_600.0, gt=0)
    webhook_timeout: float = Field(default=10.0, gt=0, le=300)
    webhook_concurrency: int = Field(default=64, ge=1, le=1000)
    webhook_endpoint_concurrency: int = Field(default=8, ge=1, le=1000)
    webhook_allow_private_targets: bool = False

    # Vault clients
    public_url: str | None = None
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    realistic_latency: str | None = None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("public_url must start with http:// or https://")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _trusted_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, (list, tuple)):
            for item in value:
                ipaddress.ip_network(str(item), strict=False)  # raises on a bad address
            return tuple(str(item) for item in value)
        return value

    @field_validator("realistic_latency")
    @classmethod
    def _realistic_latency(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parse_latency(value)
        return value.strip()

    @property
    def latency_range(self) -> tuple[float, float] | None:
        """The least and most seconds a standard action takes in realistic-latency mode."""
        return parse_latency(self.realistic_latency) if self.realistic_latency else None

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
    def extraction_limits(self) -> ExtractionLimits:
        return ExtractionLimits(
            max_unpacked_bytes=self.extraction_max_unpacked_mb * 2**20,
            max_archive_parts=self.extraction_max_parts,
            max_pdf_pages=self.extraction_max_pdf_pages,
            max_text_chars=self.extraction_max_chars,
        )

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


def parse_latency(text: str) -> tuple[float, float]:
    """`"2-8"` → (2.0, 8.0); `"3"` → (3.0, 3.0). Raises ValueError on anything else."""
    low_text, _, high_text = text.strip().partition("-")
    try:
        low = float(low_text)
        high = float(high_text) if high_text else low
    except ValueError:
        raise ValueError(
            f"realistic_latency must be seconds or a range like 2-8, not {text!r}"
        ) from None
    if not (0 <= low <= high <= 3600):
        raise ValueError(f"realistic_latency must be a range within 0-3600 seconds, not {text!r}")
    return low, high
