"""The ``cache_handler`` setting: names, URLs and dotted paths (Next.js' ``cacheHandler``)."""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

import pytest

from routekit import App
from routekit.cache import (
    FileCacheHandler,
    MemoryCacheHandler,
    RedisCacheHandler,
    handler_from_setting,
)
from routekit.errors import SettingsError


def test_select_names(tmp_path: Path) -> None:
    assert isinstance(handler_from_setting("memory", tmp_path), MemoryCacheHandler)
    found = handler_from_setting("file", tmp_path / "c")
    assert isinstance(found, FileCacheHandler)
    assert found.folder == tmp_path / "c"
    assert isinstance(handler_from_setting("redis://127.0.0.1:1/0", tmp_path), RedisCacheHandler)


def test_select_dotted_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_cache.py").write_text(
        "from routekit.cache import MemoryCacheHandler\n"
        "class Mine(MemoryCacheHandler):\n    pass\n"
        "class Broken:\n    def get(self, key): ...\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "my_cache", raising=False)
    assert type(handler_from_setting("my_cache:Mine", tmp_path)).__name__ == "Mine"
    with pytest.raises(SettingsError, match=r"lacks set\(\), revalidate_tags\(\), clear\(\)"):
        handler_from_setting("my_cache:Broken", tmp_path)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lru", 'cache_handler must be "file", "memory", a redis:// URL or "package.module:name"'),
        ("no_such_module_xyz:Handler", "cannot import 'no_such_module_xyz:Handler'"),
    ],
)
def test_select_refuses(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        handler_from_setting(value, tmp_path)


@pytest.mark.parametrize(
    ("mode", "setting", "kind", "enabled"),
    [
        ("production", None, FileCacheHandler, True),
        ("test", None, MemoryCacheHandler, True),  # tests never write into the project
        ("test", "file", MemoryCacheHandler, True),
        ("production", "memory", MemoryCacheHandler, True),
        ("development", None, MemoryCacheHandler, False),  # next dev renders every request
    ],
)
def test_app_cache_by_mode(
    tmp_path: Path, mode: t.Any, setting: str | None, kind: type, enabled: bool
) -> None:
    app = App(tmp_path, mode=mode, cache_handler=setting)
    assert isinstance(app.cache.handler, kind)
    assert app.cache.enabled is enabled


def test_redis_handler_without_the_client_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(SettingsError, match=r"pip install 'routekit\[redis\]'"):
        RedisCacheHandler("redis://127.0.0.1:1/0")
