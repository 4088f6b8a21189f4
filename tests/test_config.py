"""Configuration precedence and validation: flags > BREAKWATER_* environment > YAML file > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.config import ConfigError, load_settings
from proxy.models import Action, Category, Severity


def test_defaults_follow_the_contract() -> None:
    settings = load_settings()
    assert settings.port == 8787 and settings.host == "127.0.0.1"
    assert settings.openai_base_url == "https://api.openai.com/v1"
    assert settings.anthropic_base_url == "https://api.anthropic.com"
    assert settings.actions.severity[Severity.CRITICAL] is Action.BLOCK
    assert settings.actions.severity[Severity.MEDIUM] is Action.TAG


def test_file_then_env_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "bw.yaml"
    config.write_text("mode: shadow\nopenai_base_url: http://file/v1\nanthropic_base_url: http://file\n"
                      "actions:\n  categories:\n    time-handling: allow\n")
    from_file = load_settings(config)
    assert from_file.mode == "shadow" and from_file.openai_base_url == "http://file/v1"
    assert from_file.actions.categories == {Category.TIME_HANDLING: Action.ALLOW}
    monkeypatch.setenv("BREAKWATER_OPENAI_BASE_URL", "http://env/v1")
    monkeypatch.setenv("BREAKWATER_MODE", "enforce")
    from_env = load_settings(config)
    assert from_env.openai_base_url == "http://env/v1" and from_env.mode == "enforce"
    assert from_env.anthropic_base_url == "http://file"
    from_flags = load_settings(config, openai_base_url="http://flag/v1", mode=None)
    assert from_flags.openai_base_url == "http://flag/v1" and from_flags.mode == "enforce"


@pytest.mark.parametrize(("text", "named"), [
    ("mdoe: shadow\n", "mdoe"),
    ("actions:\n  categories:\n    not-a-category: block\n", "actions.categories.not-a-category"),
    ("streaming:\n  max_hold_bytes: -1\n", "streaming.max_hold_bytes"),
    ("on_engine_error: maybe\n", "on_engine_error"),
])
def test_bad_config_names_the_key(tmp_path: Path, text: str, named: str) -> None:
    config = tmp_path / "bw.yaml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_settings(config)


def test_unreadable_and_non_mapping_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "missing.yaml")
    config = tmp_path / "list.yaml"
    config.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(config)
