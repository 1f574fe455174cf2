from __future__ import annotations

import typing as t

import pytest

from routekit.routing import discover
from routekit.routing._hints import tree_hints
from routekit.settings import Settings

if t.TYPE_CHECKING:
    from .conftest import TreeBuilder


def _hints(make_tree: TreeBuilder, *files: str, exts: tuple[str, ...] = ("py",)) -> list[str]:
    root = make_tree(*files)
    routes = discover(root, Settings(page_extensions=exts))
    return [f"{hint.path}: {hint.message}" for hint in tree_hints(root, routes, exts)]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            ("pages/apis/hello.py",),
            "pages/apis: pages/apis/ is not served, so pages/apis/hello.py is not a route; did "
            "you mean pages/api/? Only files under pages/api/ are API routes.",
        ),
        (
            ("pages/API/hello.py",),
            "pages/API: pages/API/ is not served, so pages/API/hello.py is not a route; did you "
            "mean pages/api/? Only files under pages/api/ are API routes.",
        ),
        (
            ("page/api/hello.py",),
            "page: page/ is not a route folder, so page/api/hello.py is not served; did you "
            "mean pages/? routekit reads pages/api/, api/ and app/.",
        ),
        (
            ("ap/api/items/route.py",),
            "ap: ap/ is not a route folder, so ap/api/items/route.py is not served; did you "
            "mean app/? routekit reads pages/api/, api/ and app/.",
        ),
        (
            ("apis/hello.py",),
            "apis: apis/ is not a route folder, so apis/hello.py is not served; did you mean "
            "api/? routekit reads pages/api/, api/ and app/.",
        ),
        (
            ("pages/hello.py",),
            "pages/hello.py: pages/hello.py is not served; did you mean pages/api/hello.py? "
            "Only files under pages/api/ are API routes.",
        ),
        (
            ("app/api/items/routes.py",),
            "app/api/items/routes.py: app/api/items/routes.py is not served; did you mean "
            "app/api/items/route.py? An app route file is named route (start a helper's name "
            "with _ to keep it quiet).",
        ),
        (
            ("src/pages/api/hello.py",),
            "src/pages/api: src/pages/api/ is not read: the project root is the folder that "
            "holds pages/; did you mean the root src/ (routekit serve src)?",
        ),
    ],
)
def test_hints_did_you_mean(make_tree: TreeBuilder, files: tuple[str, ...], expected: str) -> None:
    hints = _hints(make_tree, *files)
    assert hints[0] == expected
    assert hints[-1].startswith(".: no routes found under ")


def test_hints_empty_tree(make_tree: TreeBuilder) -> None:
    root = make_tree("README.md", "lib/db.py")
    assert _hints(make_tree) == [
        f".: no routes found under {root}, so every request is answered 404. routekit serves "
        "pages/api/**/*.py, api/**/*.py and app/**/route.py; start with pages/api/hello.py."
    ]


@pytest.mark.parametrize(
    "files",
    [
        ("pages/api/hello.py",),
        ("pages/api.py",),  # the /api route itself
        ("pages/api/hello.py", "packages/tool/x.py", "apple/x.py", "lib/api.py"),
        ("pages/api/hello.py", "tests/test_hello.py", "page/README.md"),  # no route-like file
        ("pages/api/hello.py", "pages/_app.py", "pages/.cache/x.py", "node_modules/ap/x.py"),
        ("app/api/items/route.py", "app/api/items/routes.py"),  # a helper beside a route
        ("app/api/items/route.py", "app/api/items/_routes.py"),
        ("app/api/items/route.py", "src/app/api/x/route.py"),  # the root has route folders
        ("app/api/items/route.py", "app/api/items/notes.txt", "pages/apis/README.md"),
    ],
)
def test_hints_quiet_for_a_sound_tree(make_tree: TreeBuilder, files: tuple[str, ...]) -> None:
    assert _hints(make_tree, *files) == []


def test_hints_follow_page_extensions(make_tree: TreeBuilder) -> None:
    hints = _hints(make_tree, "pages/api/hello.api.py", "pages/apis/x.api.py", exts=("api.py",))
    assert [hint.partition(":")[0] for hint in hints] == ["pages/apis"]
    assert _hints(make_tree, "pages/apis/x.txt", exts=("api.py",))[:-1] == []
    two = _hints(make_tree, "app/api/x/routes.py", exts=("api.py", "py"))  # the same tree
    assert any(hint.startswith("app/api/x/routes.py: app/api/x/routes.py is not") for hint in two)


def test_hints_case_insensitive_file_system_is_not_a_typo(
    make_tree: TreeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_tree("Pages/api/hello.py")
    # Pretend "pages" and "Pages" are one folder, as on macOS: discovery then serves it.
    monkeypatch.setattr("os.path.samefile", lambda a, b: True)
    monkeypatch.setattr("pathlib.Path.exists", lambda self: True)
    assert [h.path for h in tree_hints(root, discover(root, Settings()), ("py",))] == ["."]


def test_hints_stop_looking_in_a_huge_folder(make_tree: TreeBuilder) -> None:
    root = make_tree(*(f"page/a{i}/x.txt" for i in range(30)), "page/zz/hello.py")
    from routekit.routing._hints import _HintScan

    assert _HintScan(root, (".py",))._first_source(root / "page", limit=10) is None
    assert _HintScan(root, (".py",))._first_source(root / "page") == "page/zz/hello.py"
