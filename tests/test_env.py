from __future__ import annotations

import logging
import os
import typing as t

import pytest

from routekit import _env
from routekit._env import env_files, load_env
from routekit.errors import SettingsError

if t.TYPE_CHECKING:
    from pathlib import Path

PREFIX = "RKTEST_"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[None]:
    """Every test starts without RKTEST_ variables and with nothing recorded as loaded."""
    monkeypatch.setattr(_env, "_loaded", {})
    for key in [key for key in os.environ if key.startswith(PREFIX)]:
        monkeypatch.delenv(key)
    yield
    for key in [key for key in os.environ if key.startswith(PREFIX)]:
        del os.environ[key]


def test_env_files_priority_order(tmp_path: Path) -> None:
    assert [p.name for p in env_files(tmp_path, "development")] == [
        ".env.development.local",
        ".env.local",
        ".env.development",
        ".env",
    ]


def test_env_files_test_mode_skips_env_local(tmp_path: Path) -> None:
    assert [p.name for p in env_files(tmp_path, "test")] == [".env.test.local", ".env.test", ".env"]


def test_env_files_rejects_unknown_mode(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="mode must be one of development, production, test"):
        env_files(tmp_path, "staging")


def test_load_env_first_file_wins(tmp_path: Path) -> None:
    files = {
        ".env": "RKTEST_A=env\nRKTEST_B=env\nRKTEST_C=env\nRKTEST_D=env\n",
        ".env.production": "RKTEST_A=prod\nRKTEST_B=prod\nRKTEST_C=prod\n",
        ".env.local": "RKTEST_A=local\nRKTEST_B=local\n",
        ".env.production.local": "RKTEST_A=prod-local\n",
        ".env.development": "RKTEST_E=dev\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    loaded = load_env(tmp_path, "production")
    assert loaded == {
        "RKTEST_A": "prod-local",
        "RKTEST_B": "local",
        "RKTEST_C": "prod",
        "RKTEST_D": "env",
    }
    assert os.environ["RKTEST_A"] == "prod-local"
    assert "RKTEST_E" not in os.environ


def test_load_env_test_mode_ignores_env_local(tmp_path: Path) -> None:
    (tmp_path / ".env.local").write_text("RKTEST_A=local\n")
    (tmp_path / ".env.test").write_text("RKTEST_A=test\n")
    assert load_env(tmp_path, "test") == {"RKTEST_A": "test"}


def test_load_env_never_overwrites_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RKTEST_A", "from-shell")
    (tmp_path / ".env").write_text("RKTEST_A=from-file\nRKTEST_B=b\n")
    assert load_env(tmp_path, "development") == {"RKTEST_B": "b"}
    assert os.environ["RKTEST_A"] == "from-shell"


def test_load_env_no_files_loads_nothing(tmp_path: Path) -> None:
    assert load_env(tmp_path, "production") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RKTEST_HOST=h\nRKTEST_X=$RKTEST_HOST:1", "h:1"),
        ("RKTEST_HOST=h\nRKTEST_X=${RKTEST_HOST}x", "hx"),
        ("RKTEST_X=${RKTEST_MISSING:-fallback}", "fallback"),
        ("RKTEST_X=a${RKTEST_MISSING}b", "ab"),
        ("RKTEST_X=$RKTEST_MISSING", ""),
        ("RKTEST_X=\\$RKTEST_HOST\nRKTEST_HOST=h", "$RKTEST_HOST"),
        ("RKTEST_X=$RKTEST_LATER\nRKTEST_LATER=later", "later"),
        ("RKTEST_X=$RKTEST_X", ""),
        ("RKTEST_X='$RKTEST_Y'\nRKTEST_Y=y", "y"),
        ("RKTEST_X=cost 5$", "cost 5$"),
    ],
)
def test_load_env_expands_like_dotenv_expand(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / ".env").write_text(text + "\n")
    load_env(tmp_path, "production")
    assert os.environ["RKTEST_X"] == expected


def test_load_env_expansion_prefers_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RKTEST_HOST", "shell")
    (tmp_path / ".env").write_text("RKTEST_HOST=file\nRKTEST_URL=http://$RKTEST_HOST/\n")
    load_env(tmp_path, "production")
    assert os.environ["RKTEST_URL"] == "http://shell/"


def test_load_env_later_file_sees_earlier_values(tmp_path: Path) -> None:
    (tmp_path / ".env.local").write_text("RKTEST_HOST=local\n")
    (tmp_path / ".env").write_text("RKTEST_HOST=env\nRKTEST_URL=http://$RKTEST_HOST/\n")
    load_env(tmp_path, "production")
    assert os.environ["RKTEST_URL"] == "http://local/"


def test_load_env_second_call_keeps_loaded_values(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("RKTEST_A=1\n")
    load_env(tmp_path, "production")
    env.write_text("RKTEST_A=2\n")
    assert load_env(tmp_path, "production") == {}
    assert os.environ["RKTEST_A"] == "1"


def test_load_env_override_loaded_reloads_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RKTEST_SHELL", "shell")
    env = tmp_path / ".env"
    env.write_text("RKTEST_A=1\nRKTEST_GONE=x\nRKTEST_SHELL=file\n")
    load_env(tmp_path, "development")
    env.write_text("RKTEST_A=2\nRKTEST_SHELL=file\n")
    assert load_env(tmp_path, "development", override_loaded=True) == {"RKTEST_A": "2"}
    assert os.environ["RKTEST_A"] == "2"
    assert "RKTEST_GONE" not in os.environ
    assert os.environ["RKTEST_SHELL"] == "shell"


def test_load_env_parses_quotes_and_export(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        '# comment\nexport RKTEST_A="two words"\nRKTEST_B="line1\\nline2"\nRKTEST_C\n'
    )
    assert load_env(tmp_path, "production") == {"RKTEST_A": "two words", "RKTEST_B": "line1\nline2"}


def test_load_env_logs_each_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / ".env").write_text("RKTEST_A=1\n")
    with caplog.at_level(logging.INFO, logger="routekit"):
        load_env(tmp_path, "production")
    assert caplog.messages == [f"Loaded env from {tmp_path / '.env'}"]
