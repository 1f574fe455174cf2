from __future__ import annotations

import dataclasses
import re
import typing as t

import pytest

from routekit.config import SizeLimit
from routekit.errors import SettingsError
from routekit.settings import Settings, load_settings

if t.TYPE_CHECKING:
    from pathlib import Path


def _pyproject(root: Path, body: str) -> Path:
    path = root / "pyproject.toml"
    path.write_text(f'[project]\nname = "demo"\n\n[tool.routekit]\n{body}\n', encoding="utf-8")
    return path


def _standalone(root: Path, body: str) -> Path:
    path = root / "routekit.toml"
    path.write_text(body + "\n", encoding="utf-8")
    return path


def test_settings_defaults_without_files(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings == Settings()
    assert settings.page_extensions == ("py",)
    assert settings.blitz_app_api is False
    assert settings.external_resolver_timeout == 30.0
    assert settings.middleware is True
    assert settings.required_env == ()
    assert settings.source is None


def test_settings_pyproject_without_tool_table_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_settings(tmp_path) == Settings()


def test_settings_from_pyproject(tmp_path: Path) -> None:
    path = _pyproject(
        tmp_path,
        'pageExtensions = ["api.py"]\nblitz_app_api = true\nexternalResolverTimeout = 5\n'
        'middleware = false\nrequired_env = ["SECRET"]',
    )
    settings = load_settings(tmp_path)
    assert settings == Settings(
        page_extensions=("api.py",),
        blitz_app_api=True,
        external_resolver_timeout=5.0,
        middleware=False,
        required_env=("SECRET",),
    )
    assert settings.source == f"{path} [tool.routekit]"


def test_settings_from_routekit_toml(tmp_path: Path) -> None:
    path = _standalone(tmp_path, "blitzAppApi = true")
    settings = load_settings(tmp_path)
    assert settings.blitz_app_api is True
    assert settings.source == str(path)


def test_settings_routekit_toml_beside_a_pyproject_without_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    _standalone(tmp_path, "middleware = false")
    assert load_settings(tmp_path).middleware is False


def test_settings_in_both_files_is_an_error(tmp_path: Path) -> None:
    pyproject = _pyproject(tmp_path, "middleware = false")
    standalone = _standalone(tmp_path, "middleware = true")
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path)
    assert str(info.value) == (
        f"{standalone}: routekit settings are defined twice, in {pyproject} "
        f"([tool.routekit]) and in {standalone}; keep one of them."
    )


def test_settings_page_extensions_longest_first(tmp_path: Path) -> None:
    _standalone(tmp_path, 'page_extensions = ["py", "api.py", "py"]')
    assert load_settings(tmp_path).page_extensions == ("api.py", "py")


def test_settings_unknown_key_suggests_and_lists(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, 'pageExtension = ["py"]')
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path)
    assert str(info.value) == (
        f"{path} [tool.routekit]: unknown setting 'pageExtension'. Did you mean "
        "'pageExtensions'? Valid settings: blitz_app_api, body_size_limit, cache_dir, "
        "cache_handler, expire_time, external_resolver_timeout, middleware, page_extensions, "
        "required_env, trust_proxy_headers (camelCase spellings are accepted too)."
    )
    assert info.value.source == f"{path} [tool.routekit]"


def test_settings_unknown_key_without_near_miss(tmp_path: Path) -> None:
    _standalone(tmp_path, "zzz = 1")
    with pytest.raises(SettingsError, match=r"unknown setting 'zzz'\. Valid settings: "):
        load_settings(tmp_path)


def test_settings_both_spellings_of_one_key(tmp_path: Path) -> None:
    _standalone(tmp_path, "blitz_app_api = true\nblitzAppApi = true")
    with pytest.raises(
        SettingsError,
        match=re.escape(
            "'blitz_app_api' and 'blitzAppApi' are two spellings of the same setting; "
            "keep one of them."
        ),
    ):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'page_extensions = "py"',
            'page_extensions must be a non-empty list of strings, e.g. ["py"] or ["api.py"]; '
            "got 'py'.",
        ),
        (
            "pageExtensions = []",
            'pageExtensions must be a non-empty list of strings, e.g. ["py"] or ["api.py"]; '
            "got [].",
        ),
        (
            "page_extensions = [1]",
            "page_extensions entries must be non-empty strings; got 1 in [1].",
        ),
        (
            'page_extensions = [""]',
            "page_extensions entries must be non-empty strings; got '' in [''].",
        ),
        (
            'page_extensions = [".py"]',
            "page_extensions entries are written without the leading dot: use 'py', not '.py'.",
        ),
        (
            'page_extensions = ["js"]',
            "routes are Python modules, so every page_extensions entry must be 'py' or end "
            "in '.py' (like 'api.py'); got 'js'.",
        ),
        (
            'page_extensions = ["xpy"]',
            "routes are Python modules, so every page_extensions entry must be 'py' or end "
            "in '.py' (like 'api.py'); got 'xpy'.",
        ),
        ('blitz_app_api = "yes"', "blitz_app_api must be true or false; got 'yes'."),
        ("middleware = 1", "middleware must be true or false; got 1."),
        (
            'external_resolver_timeout = "30s"',
            "external_resolver_timeout must be a number of seconds, e.g. 30; got '30s'.",
        ),
        (
            "externalResolverTimeout = true",
            "externalResolverTimeout must be a number of seconds, e.g. 30; got True.",
        ),
        (
            "external_resolver_timeout = 0",
            "external_resolver_timeout must be a positive number of seconds; got 0.",
        ),
        (
            "external_resolver_timeout = nan",
            "external_resolver_timeout must be a positive number of seconds; got nan.",
        ),
        (
            'required_env = "SECRET"',
            'required_env must be a list of environment variable names, e.g. ["SECRET_KEY"]; '
            "got 'SECRET'.",
        ),
        ("requiredEnv = [1]", "requiredEnv entries must be non-empty strings; got 1 in [1]."),
    ],
)
def test_settings_type_errors(tmp_path: Path, body: str, message: str) -> None:
    path = _standalone(tmp_path, body)
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path)
    assert str(info.value) == f"{path}: {message}"


def test_settings_tool_routekit_must_be_a_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool]\nroutekit = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"\[tool\.routekit\] must be a table") as info:
        load_settings(tmp_path)
    assert info.value.source == str(path)


def test_settings_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _standalone(tmp_path, "middleware = ")
    with pytest.raises(SettingsError, match=f"^{re.escape(str(path))}: invalid TOML: "):
        load_settings(tmp_path)


def test_settings_overrides_win_over_the_file(tmp_path: Path) -> None:
    _standalone(tmp_path, "middleware = false\nblitz_app_api = true")
    settings = load_settings(tmp_path, middleware=True, page_extensions=["api.py"])
    assert settings.middleware is True
    assert settings.blitz_app_api is True
    assert settings.page_extensions == ("api.py",)


def test_settings_override_none_means_not_given(tmp_path: Path) -> None:
    _standalone(tmp_path, "middleware = false")
    assert load_settings(tmp_path, middleware=None).middleware is False


def test_settings_overrides_accept_camel_case(tmp_path: Path) -> None:
    assert load_settings(tmp_path, externalResolverTimeout=2).external_resolver_timeout == 2.0


def test_settings_unknown_override(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path, middlewares=False)
    assert str(info.value).startswith(
        "App(...) keyword arguments: unknown setting 'middlewares'. Did you mean 'middleware'?"
    )


def test_settings_bad_override_value(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError, match=r"^App\(\.\.\.\) keyword arguments: middleware must be"
    ):
        load_settings(tmp_path, middleware="no")


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.middleware = False  # type: ignore[misc]


# -- body_size_limit (issue 9) ----------------------------------------------------------------


def test_settings_body_size_limit_default_file_and_override(tmp_path: Path) -> None:
    assert load_settings(tmp_path).body_size_limit == SizeLimit(10 * 1024 * 1024, "10mb")
    _pyproject(tmp_path, 'bodySizeLimit = "2mb"')
    assert load_settings(tmp_path).body_size_limit == SizeLimit(2 * 1024 * 1024, "2mb")
    assert load_settings(tmp_path, body_size_limit=512).body_size_limit == SizeLimit(512, "512b")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "body_size_limit: invalid size 'lots'"),
        (True, 'body_size_limit must be a number of bytes or a size like "10mb"; got True.'),
        (-5, "body_size_limit: invalid size -5: a size must be a finite number >= 0."),
    ],
)
def test_settings_bad_body_size_limit(tmp_path: Path, value: object, message: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path, body_size_limit=value)
    assert str(info.value).startswith(f"App(...) keyword arguments: {message}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", True), ("trust_proxy_headers = false", False), ("trustProxyHeaders = true", True)],
)
def test_settings_trust_proxy_headers(tmp_path: Path, text: str, expected: bool) -> None:
    _standalone(tmp_path, text)
    assert load_settings(tmp_path).trust_proxy_headers is expected


def test_settings_trust_proxy_headers_must_be_a_bool(tmp_path: Path) -> None:
    _standalone(tmp_path, 'trust_proxy_headers = "yes"')
    with pytest.raises(SettingsError, match="trust_proxy_headers must be true or false; got 'yes'"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"cache_handler": "redis://cache:6379/1"}, {"cache_handler": "redis://cache:6379/1"}),
        (
            {"cacheHandler": "memory", "cacheDir": "var/c"},
            {"cache_handler": "memory", "cache_dir": "var/c"},
        ),
        ({"expireTime": 3600}, {"expire_time": 3600}),
    ],
)
def test_settings_cache_keys(
    tmp_path: Path, raw: dict[str, t.Any], expected: dict[str, t.Any]
) -> None:
    settings = load_settings(tmp_path, **raw)
    assert {key: getattr(settings, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"cache_handler": ""}, "cache_handler must be a non-empty string; got ''."),
        ({"expire_time": 0}, "expire_time must be a positive whole number of seconds"),
        ({"expire_time": True}, "expire_time must be a positive whole number of seconds"),
    ],
)
def test_settings_cache_values_are_checked(
    tmp_path: Path, raw: dict[str, t.Any], message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_settings(tmp_path, **raw)
