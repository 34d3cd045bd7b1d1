"""Configuration: taxonomy and templates validated at start; settings from the environment."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from config import load_settings, load_taxonomy, load_templates, CONFIG_DIR
from config.data import DataError
from config.settings import ConfigError


def test_taxonomy_matches_the_spec():
    taxonomy = load_taxonomy()
    assert len(taxonomy.issue_types) == 17 and len(taxonomy.departments) == 22 and len(taxonomy.townships) == 13
    assert taxonomy.aliases["城关镇"] == "wenyan" and taxonomy.aliases["位邱乡"] == "weiqiu"
    assert taxonomy.department_name("township_gov", "mazhuang") == "马庄乡政府"
    assert taxonomy.case_prefix == "YJ"


@pytest.mark.parametrize("breakage", [
    ("department: hrss}", "department: nosuch}"),
    ("aliases: [榆林]}", "aliases: [东屯]}"),
    ("case_prefix: YJ", "case_prefix: Y1"),
])
def test_broken_taxonomy_stops_the_start(tmp_path, breakage):
    shutil.copytree(CONFIG_DIR, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = tmp_path / "taxonomy.yaml"
    text = path.read_text(encoding="utf-8")
    assert breakage[0] in text
    path.write_text(text.replace(breakage[0], breakage[1], 1), encoding="utf-8")
    with pytest.raises(DataError):
        load_taxonomy(tmp_path)


def test_templates_need_every_key(tmp_path):
    (tmp_path / "templates.yaml").write_text("zh:\n  signature: x\n", encoding="utf-8")
    with pytest.raises(DataError, match="lacks"):
        load_templates(tmp_path)


def test_production_without_secret_key_fails_loudly(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(tmp_path, {"APP_ENV": "production"})


def test_settings_from_environment(tmp_path):
    settings = load_settings(tmp_path, {"DATABASE_URL": "postgres://u:p@h/db", "REDIS_URL": "redis://r:6379/0",
                                        "PUBLIC_BASE_URL": "https://x.org/", "ONDUTY_PHONES": "+861, +862"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@h/db"
    assert settings["PUBLIC_BASE_URL"] == "https://x.org"
    assert settings["ONDUTY_PHONES"] == ["+861", "+862"]
    default = load_settings(tmp_path, {})
    assert default["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///") and default["REDIS_URL"] is None
    assert (tmp_path / "secret_key").exists() and load_settings(tmp_path, {})["SECRET_KEY"] == default["SECRET_KEY"]


def test_bad_number_setting_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="FLOOD_LIMIT"):
        load_settings(tmp_path, {"FLOOD_LIMIT": "many"})
