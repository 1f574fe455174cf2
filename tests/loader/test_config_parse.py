from __future__ import annotations

import re
import typing as t

import pytest

from routekit.config import AppRouteConfig, PagesConfig, SizeLimit
from routekit.errors import ConfigError
from routekit.loader._config_parse import IGNORED_KEYS, parse_app_config, parse_pages_config

FILE = "pages/api/hello.py"


def _api(**api: object) -> dict[str, object]:
    return {"api": api}


def test_parse_pages_config_none_is_defaults() -> None:
    assert parse_pages_config(None, FILE) == PagesConfig()


def test_parse_pages_config_defaults_match_nextjs() -> None:
    config = parse_pages_config({}, FILE)
    assert (config.body_parser, config.size_limit, config.size_limit_text) == (True, 1048576, "1mb")
    assert config.response_limit == 4 * 1024 * 1024
    assert (config.external_resolver, config.runtime) == (False, "nodejs")


@pytest.mark.parametrize(
    ("body_parser", "expected"),
    [
        (False, (False, 1048576, "1mb")),
        (True, (True, 1048576, "1mb")),
        ({}, (True, 1048576, "1mb")),
        ({"sizeLimit": "500kb"}, (True, 512000, "500kb")),
        ({"size_limit": "3mb"}, (True, 3145728, "3mb")),
        ({"sizeLimit": "1MB"}, (True, 1048576, "1MB")),
        ({"sizeLimit": 500000}, (True, 500000, "500000")),
        ({"sizeLimit": 0}, (True, 1048576, "1mb")),
        ({"sizeLimit": ""}, (True, 1048576, "1mb")),
    ],
)
def test_parse_pages_config_body_parser(body_parser: object, expected: tuple[object, ...]) -> None:
    config = parse_pages_config(_api(bodyParser=body_parser), FILE)
    assert (config.body_parser, config.size_limit, config.size_limit_text) == expected


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(True, 4194304), (False, None), (0, None), ("8mb", 8388608), (1000, 1000)],
)
def test_parse_pages_config_response_limit(limit: object, expected: int | None) -> None:
    assert parse_pages_config(_api(responseLimit=limit), FILE).response_limit == expected


def test_parse_pages_config_snake_case_spellings() -> None:
    config = parse_pages_config(
        {
            "api": {
                "body_parser": {"size_limit": "2kb"},
                "response_limit": False,
                "external_resolver": True,
            },
            "max_duration": 5,
        },
        FILE,
    )
    assert config == PagesConfig(
        size_limit=2048, size_limit_text="2kb", response_limit=None, external_resolver=True
    )


def test_parse_pages_config_ignored_keys_are_accepted() -> None:
    config = parse_pages_config({"maxDuration": 5, "regions": ["iad1"], "api": {}}, FILE)
    assert config == PagesConfig()
    assert {"maxDuration", "regions", "preferredRegion"} <= set(IGNORED_KEYS)


def test_parse_pages_config_unknown_key_message() -> None:
    with pytest.raises(ConfigError) as info:
        parse_pages_config(_api(bodyParsr={"sizeLimit": "1mb"}), FILE)
    assert str(info.value) == (
        "pages/api/hello.py: unknown key config[\"api\"][\"bodyParsr\"] = {'sizeLimit': '1mb'}; "
        'did you mean "bodyParser"?\n'
        '  fix: the valid keys of config["api"] are "bodyParser", "responseLimit", '
        "\"externalResolver\" (snake_case spellings such as 'body_parser' are accepted too)."
    )
    assert (info.value.file, info.value.key) == (FILE, "api.bodyParsr")


def test_parse_pages_config_unknown_top_level_key() -> None:
    with pytest.raises(
        ConfigError, match=r'unknown key config\["runtim"\] = \'edge\'; did you mea'
    ):
        parse_pages_config({"runtim": "edge"}, FILE)


def test_parse_pages_config_bad_size_message() -> None:
    with pytest.raises(ConfigError) as info:
        parse_pages_config(_api(bodyParser={"sizeLimit": "500kilobytes"}), FILE)
    assert str(info.value).startswith(
        'pages/api/hello.py: config["api"]["bodyParser"]["sizeLimit"] = \'500kilobytes\' '
        "is not a valid size\n  fix: use a number of bytes"
    )
    assert info.value.key == "api.bodyParser.sizeLimit"
    assert info.value.value == "500kilobytes"


@pytest.mark.parametrize(
    ("config", "path"),
    [
        (_api(bodyParser={"sizeLimit": True}), 'config["api"]["bodyParser"]["sizeLimit"] = True'),
        (_api(bodyParser={"sizeLimit": -1}), 'config["api"]["bodyParser"]["sizeLimit"] = -1'),
        (_api(bodyParser={"sizeLimit": None}), 'config["api"]["bodyParser"]["sizeLimit"] = None'),
        (_api(bodyParser="yes"), 'config["api"]["bodyParser"] = \'yes\''),
        (_api(responseLimit="lots"), 'config["api"]["responseLimit"] = \'lots\''),
        (_api(responseLimit=None), 'config["api"]["responseLimit"] = None'),
        (_api(externalResolver=1), 'config["api"]["externalResolver"] = 1'),
        ({"api": False}, 'config["api"] = False'),
        ({"maxDuration": -5}, 'config["maxDuration"] = -5'),
        ({"regions": [1]}, 'config["regions"] = [1]'),
        ("edge", "config = 'edge'"),
    ],
)
def test_parse_pages_config_bad_values(config: object, path: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(path)):
        parse_pages_config(config, FILE)


def test_parse_pages_config_both_spellings_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        parse_pages_config(_api(bodyParser=False, body_parser=False), FILE)
    assert str(info.value) == (
        'pages/api/hello.py: config["api"]["bodyParser"] and config["api"]["body_parser"] are '
        "two spellings of the same key\n  fix: keep one of them."
    )


@pytest.mark.parametrize(
    "config",
    [
        {"runtime": "edge"},
        {"runtime": "edge", "regions": "iad1", "maxDuration": 10},
        {"runtime": "edge", "unstable_allowDynamic": ["/lib/x.py"]},
        {"runtime": "edge", "unstable_allow_dynamic": "/lib/**"},
    ],
)
def test_parse_pages_config_edge(config: dict[str, object]) -> None:
    assert parse_pages_config(config, FILE) == PagesConfig(runtime="edge")


def test_parse_pages_config_edge_rejects_api_options() -> None:
    with pytest.raises(ConfigError, match=r'config\["api"\] does not apply to an edge route'):
        parse_pages_config({"runtime": "edge", "api": {"bodyParser": False}}, FILE)


def test_parse_pages_config_allow_dynamic_is_edge_only() -> None:
    with pytest.raises(ConfigError, match=r'unknown key config\["unstable_allowDynamic"\]'):
        parse_pages_config({"unstable_allowDynamic": "/lib/**"}, FILE)


def test_parse_pages_config_experimental_edge_warns() -> None:
    with pytest.warns(
        FutureWarning,
        match=r"^pages/api/hello.py provided runtime 'experimental-edge'. "
        r"It can be updated to 'edge' instead.$",
    ):
        config = parse_pages_config({"runtime": "experimental-edge"}, FILE)
    assert config.runtime == "edge"


def test_parse_pages_config_bad_runtime_suggests() -> None:
    with pytest.raises(ConfigError) as info:
        parse_pages_config({"runtime": "edg"}, FILE)
    assert str(info.value) == (
        "pages/api/hello.py: config[\"runtime\"] = 'edg' is not a valid value; "
        'did you mean "edge"?\n  fix: use one of "nodejs", "edge".'
    )


APP_FILE = "app/api/items/route.py"


def test_parse_app_config_defaults() -> None:
    assert parse_app_config({"GET": print, "helper": 1}, APP_FILE) == AppRouteConfig()


@pytest.mark.parametrize(
    ("namespace", "expected"),
    [
        ({"dynamic": "force-dynamic"}, AppRouteConfig(dynamic="force-dynamic")),
        ({"dynamic": "error", "revalidate": 60}, AppRouteConfig(dynamic="error", revalidate=60)),
        ({"revalidate": False}, AppRouteConfig(revalidate=False)),
        ({"revalidate": 0}, AppRouteConfig(revalidate=0)),
        ({"runtime": "edge"}, AppRouteConfig(runtime="edge")),
        (
            {
                "fetch_cache": "force-no-store",
                "dynamic_params": False,
                "preferred_region": ["iad1"],
                "max_duration": 30,
            },
            AppRouteConfig(dynamic_params=False),
        ),
        ({"fetchCache": "only-cache", "preferredRegion": "auto"}, AppRouteConfig()),
    ],
)
def test_parse_app_config_values(namespace: dict[str, t.Any], expected: AppRouteConfig) -> None:
    assert parse_app_config(namespace, APP_FILE) == expected


def test_parse_app_config_bad_dynamic_suggests() -> None:
    with pytest.raises(ConfigError) as info:
        parse_app_config({"dynamic": "force-dynamc"}, APP_FILE)
    assert str(info.value) == (
        "app/api/items/route.py: dynamic = 'force-dynamc' is not a valid value; did you mean "
        '"force-dynamic"?\n  fix: use one of "auto", "force-dynamic", "force-static", "error".'
    )
    assert info.value.key == "dynamic"


@pytest.mark.parametrize(
    ("namespace", "shown"),
    [
        ({"revalidate": -1}, "revalidate = -1 is not a valid revalidate value"),
        ({"revalidate": True}, "revalidate = True is not a valid revalidate value"),
        ({"revalidate": "60"}, "revalidate = '60' is not a valid revalidate value"),
        ({"fetch_cache": "cache"}, "fetch_cache = 'cache' is not a valid value"),
        ({"dynamicParams": "no"}, "dynamicParams = 'no' is not a bool"),
        ({"max_duration": 1.5}, "max_duration = 1.5 is not a number of seconds"),
        ({"preferredRegion": 3}, "preferredRegion = 3 is not a string or a list of strings"),
        ({"runtime": "python"}, "runtime = 'python' is not a valid value"),
    ],
)
def test_parse_app_config_bad_values(namespace: dict[str, t.Any], shown: str) -> None:
    with pytest.raises(ConfigError, match=f"^{re.escape(APP_FILE)}: {re.escape(shown)}"):
        parse_app_config(namespace, APP_FILE)


def test_parse_app_config_both_spellings_is_an_error() -> None:
    with pytest.raises(ConfigError, match="maxDuration and max_duration are two spellings"):
        parse_app_config({"maxDuration": 5, "max_duration": 5}, APP_FILE)


def test_parse_app_config_rejects_pages_style_config() -> None:
    with pytest.raises(ConfigError) as info:
        parse_app_config({"config": {"runtime": "edge"}}, APP_FILE)
    assert str(info.value) == (
        "app/api/items/route.py: an app route takes segment config exports, not a pages-style "
        "config dict\n  fix: replace config = {...} with module-level names: runtime = 'edge'."
    )


def test_parse_app_config_keeps_unrelated_config_dict() -> None:
    assert parse_app_config({"config": {"db": "sqlite://"}}, APP_FILE) == AppRouteConfig()


def test_parse_app_config_experimental_edge_warns() -> None:
    with pytest.warns(FutureWarning, match="experimental-edge"):
        assert parse_app_config({"runtime": "experimental-edge"}, APP_FILE).runtime == "edge"


# -- body_size_limit (issue 9) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("namespace", "limit"),
    [
        ({"bodySizeLimit": "50mb"}, SizeLimit(50 * 1024 * 1024, "50mb")),
        ({"body_size_limit": 1000}, SizeLimit(1000, "1000b")),
        ({"body_size_limit": 0}, SizeLimit(0, "0b")),
        ({}, None),
    ],
)
def test_app_route_body_size_limit(namespace: dict[str, object], limit: SizeLimit | None) -> None:
    assert parse_app_config(namespace, "app/x/route.py").body_size_limit == limit


@pytest.mark.parametrize("value", ["lots", True, -1, 1.5, None])
def test_app_route_bad_body_size_limit(value: object) -> None:
    with pytest.raises(ConfigError, match=r"body_size_limit = .* is not a (valid )?size"):
        parse_app_config({"body_size_limit": value}, "app/x/route.py")


def test_edge_route_body_size_limit() -> None:
    config = parse_pages_config({"runtime": "edge", "bodySizeLimit": "1kb"}, "pages/api/e.py")
    assert config.body_size_limit == SizeLimit(1024, "1kb")
    assert parse_pages_config({"runtime": "edge"}, "pages/api/e.py").body_size_limit is None


def test_pages_route_body_size_limit_is_unknown_there() -> None:
    with pytest.raises(ConfigError, match=r'unknown key config\["bodySizeLimit"\]'):
        parse_pages_config({"bodySizeLimit": "1kb"}, "pages/api/p.py")
