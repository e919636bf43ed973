"""Settings: environment, config file and secret files, with one clear line for a bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import load_settings
from shared.errors import ConfigError


def test_defaults_use_embedded_broker_and_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With nothing set, the broker is embedded and the store is SQLite in the data directory."""
    monkeypatch.setenv("FRONTWATCH_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.broker_url is None
    assert settings.store_dsn == f"sqlite+aiosqlite:///{tmp_path / 'frontwatch.db'}"


@pytest.mark.parametrize(
    ("var", "value", "named"),
    [
        ("FRONTWATCH_BROKER_URL", "kafka://localhost:9092", "FRONTWATCH_BROKER_URL"),
        ("FRONTWATCH_STORE_URL", "mysql://x", "FRONTWATCH_STORE_URL"),
        ("FRONTWATCH_POLL_INTERVAL_S", "soon", "FRONTWATCH_POLL_INTERVAL_S"),
        ("FRONTWATCH_CONFIG", "/nonexistent/frontwatch.toml", "FRONTWATCH_CONFIG"),
    ],
    ids=["broker-scheme", "store-scheme", "not-a-number", "config-missing"],
)
def test_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, named: str
) -> None:
    """A bad setting raises ConfigError whose single line starts with the setting's name."""
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(named) and "\n" not in str(err.value)


def test_config_file_feeds_and_env_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Feeds come from the TOML file; an environment variable beats the file."""
    config = tmp_path / "fw.toml"
    config.write_text(
        'poll_interval_s = 120\n[[feeds]]\nurl = "https://example.org/rss"\nencoding = "windows-1256"\n'
    )
    monkeypatch.setenv("FRONTWATCH_CONFIG", str(config))
    monkeypatch.setenv("FRONTWATCH_POLL_INTERVAL_S", "30")
    settings = load_settings()
    assert settings.feeds[0].encoding == "windows-1256" and settings.poll_interval_s == 30
