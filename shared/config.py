"""Settings, built once at start-up from `FRONTWATCH_*` environment variables and an optional TOML file.

Precedence: environment, then the TOML file named by `FRONTWATCH_CONFIG`, then defaults. A bad
value stops start-up with `ConfigError` naming the setting. Channel secrets live in the channels'
own settings (`FRONTWATCH_TELEGRAM_*`, `FRONTWATCH_SMTP_*`), read from the environment or files.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from shared.errors import ConfigError

__all__ = ["BROKER_SCHEMES", "FeedConfig", "Settings", "SubscriberConfig", "load_settings"]

ENV_PREFIX = "FRONTWATCH_"
BROKER_SCHEMES = ("nats", "amqp", "amqps", "redis", "rediss")


class FeedConfig(BaseModel):
    """A feed to poll, as written in the config file."""

    url: str
    name: str = ""
    encoding: str | None = Field(default=None, description="Override the detected charset.")


class SubscriberConfig(BaseModel):
    """A subscriber declared in the config file (email or Telegram chat)."""

    channel: Literal["email", "telegram", "console"]
    target: str
    labels: list[str] = Field(default_factory=list)
    mode: Literal["immediate", "hourly", "daily"] = "immediate"


class Settings(BaseSettings):
    """Every setting of frontwatch; see the README's configuration reference."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    data_dir: Path = Field(default=Path(".frontwatch"), description="SQLite file, NATS data.")
    broker_url: str | None = Field(
        default=None, description="nats://, amqp:// or redis://; unset starts an embedded NATS."
    )
    store_url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset means SQLite in data_dir."
    )
    store_schema: str | None = Field(
        default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="PostgreSQL schema to use."
    )
    http_port: int | None = Field(default=None, description="Port of /healthz, /readyz, /metrics.")
    log_format: Literal["auto", "console", "json"] = "auto"
    log_level: str = "INFO"
    sample: bool = Field(default=True, description="Replay the bundled sample feeds in `run`.")
    sample_speed: float = Field(default=1.0, gt=0, description="Replay speed factor.")
    sample_port: int = Field(default=8765, ge=0, le=65535, description="Port of the sample replay.")
    feeds: list[FeedConfig] = Field(default_factory=list)
    subscribers: list[SubscriberConfig] = Field(default_factory=list)
    poll_interval_s: float = Field(default=300.0, gt=0, description="Check interval of a new feed.")
    min_poll_interval_s: float = Field(default=120.0, gt=0, description="Busiest feeds' interval.")
    allow_private_urls: bool = False
    allowed_networks: list[str] = Field(
        default_factory=list, description="Private networks allowed anyway, e.g. 10.1.0.0/16.")
    poller_lease_s: float = Field(
        default=120.0, gt=0, description="How long a poller holds a feed; a dead one's feeds move on after.")
    parse_workers: int = Field(default=0, ge=0, le=16, description="Processes parsing feed bodies.")
    console_alerts: bool = Field(default=True, description="Print every alert on stdout.")
    corroboration_window_s: float = Field(
        default=60.0, ge=0, description="Hold a new development this long for more sources.")
    update_interval_s: float = Field(
        default=60.0, ge=0, description="Least time between two alerts of one development.")
    jetstream_replicas: int = Field(default=1, ge=1, le=5, description="Copies of the stream.")
    shutdown_grace_s: float = Field(default=20.0, ge=0)
    namespace: str = Field(
        default="", pattern=r"^[A-Za-z0-9_-]*$",
        description="Prefix of every subject, stream and queue: deployments sharing one broker.",
    )

    @field_validator("broker_url")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in BROKER_SCHEMES:
            raise ValueError(f"unknown broker scheme in {value!r}; use one of nats://, amqp://, redis://")
        return value

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for net in value:
            ipaddress.ip_network(net, strict=False)  # ValueError names the bad entry
        return value

    @field_validator("store_url")
    @classmethod
    def _known_store(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://host/db")
        return value

    @property
    def bus_prefix(self) -> str:
        """The subject prefix for `namespace` ("staging" -> "staging."), empty without one."""
        return f"{self.namespace}." if self.namespace else ""

    @property
    def store_dsn(self) -> str:
        """The store URL, defaulting to a SQLite file in the data directory."""
        return self.store_url or f"sqlite+aiosqlite:///{self.data_dir / 'frontwatch.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = os.environ.get(f"{ENV_PREFIX}CONFIG")
        if config:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config)))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once; raise `ConfigError` with one line naming the bad setting."""
    config = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if config:
        try:
            with open(config, "rb") as fh:
                tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"{ENV_PREFIX}CONFIG: cannot read {config}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{ENV_PREFIX}CONFIG: {config} is not valid TOML: {exc}") from None
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        name = f"{ENV_PREFIX}{field.upper()}" if "." not in field else field
        raise ConfigError(f"{name}: {err['msg']}") from None
