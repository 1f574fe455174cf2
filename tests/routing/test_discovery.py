from __future__ import annotations

import re
import typing as t

import pytest

from routekit.errors import RouteDefinitionError
from routekit.routing import discover
from routekit.settings import Settings

if t.TYPE_CHECKING:
    from .conftest import TreeBuilder


def _found(make_tree: TreeBuilder, *files: str, **settings: t.Any) -> dict[str, tuple[str, str]]:
    root = make_tree(*files)
    return {
        route.relfile: (route.pattern, route.kind) for route in discover(root, Settings(**settings))
    }


@pytest.mark.parametrize(
    ("file", "pattern", "kind"),
    [
        ("pages/api/hello.py", "/api/hello", "pages"),
        ("pages/api/index.py", "/api", "pages"),
        ("pages/api.py", "/api", "pages"),
        ("pages/api/users/index.py", "/api/users", "pages"),
        ("pages/api/index/index.py", "/api/index", "pages"),
        ("pages/api/index/x.py", "/api/index/x", "pages"),
        ("pages/api/users/[id].py", "/api/users/[id]", "pages"),
        ("pages/api/users/[id]/posts.py", "/api/users/[id]/posts", "pages"),
        ("pages/api/docs/[...slug].py", "/api/docs/[...slug]", "pages"),
        ("pages/api/opt/[[...slug]].py", "/api/opt/[[...slug]]", "pages"),
        ("pages/api/post-[id].py", "/api/post-[id]", "pages"),
        ("pages/api/x..py", "/api/x", "pages"),  # Next.js strips `\.+ext`
        ("pages/api/v1.users.py", "/api/v1.users", "pages"),
        ("api/hello.py", "/api/hello", "pages"),  # Blitz's root api/ folder
        ("api/index.py", "/api", "pages"),
        ("api/users/[id].py", "/api/users/[id]", "pages"),
        ("app/route.py", "/", "app"),
        ("app/api/ping/route.py", "/api/ping", "app"),
        ("app/api/items/[id]/route.py", "/api/items/[id]", "app"),
        ("app/index/route.py", "/index", "app"),  # no index rule in the app router
        ("app/(shop)/cart/route.py", "/cart", "app"),
        ("app/(a)/(b)/route.py", "/", "app"),
        ("app/@modal/login/route.py", "/login", "app"),
        ("app/%5Fsettings/route.py", "/_settings", "app"),
        ("app/docs/[[...slug]]/route.py", "/docs/[[...slug]]", "app"),
    ],
)
def test_discover_filename_to_pattern(
    make_tree: TreeBuilder, file: str, pattern: str, kind: str
) -> None:
    assert _found(make_tree, file) == {file: (pattern, kind)}


@pytest.mark.parametrize(
    "file",
    [
        "pages/index.py",  # HTML pages are out of scope
        "pages/about.py",
        "pages/blog/[slug].py",
        "pages/apix.py",
        "pages/api/__init__.py",
        "pages/api/__pycache__/hello.py",
        "pages/api/_helpers.py",
        "pages/api/_lib/db.py",
        "pages/api/.hidden/x.py",
        "pages/api/.x.py",
        "pages/api/conftest.py",
        "pages/api/test_hello.py",
        "pages/api/hello_test.py",
        "pages/api/notes.txt",
        "pages/api/hello.pyc",
        "api/_shared.py",
        "app/x/page.py",
        "app/x/helpers.py",
        "app/_private/route.py",
        "app/_private/x/route.py",
        "app/api.py",
        "app/x/api/list.py",  # a Blitz api folder is only read with blitz_app_api
        "app/api/hello.py",
        "lib/route.py",
    ],
)
def test_discover_ignores_non_route_files(make_tree: TreeBuilder, file: str) -> None:
    assert _found(make_tree, file) == {}


def test_discover_empty_project(make_tree: TreeBuilder) -> None:
    assert discover(make_tree(), Settings()) == []


def test_discover_route_fields(make_tree: TreeBuilder) -> None:
    root = make_tree("pages/api/users/[id].py")
    (route,) = discover(root, Settings())
    assert route.file == root.absolute() / "pages" / "api" / "users" / "[id].py"
    assert route.file.is_absolute()
    assert route.relfile == "pages/api/users/[id].py"
    assert route.segments == ("api", "users", "[id]")


def test_discover_root_route_has_no_segments(make_tree: TreeBuilder) -> None:
    (route,) = discover(make_tree("app/route.py"), Settings())
    assert route.segments == ()


def test_discover_page_extensions_compound(make_tree: TreeBuilder) -> None:
    found = _found(
        make_tree,
        "pages/api/users.api.py",
        "pages/api/helpers.py",
        "app/x/route.api.py",
        "app/y/route.py",
        page_extensions=("api.py",),
    )
    assert found == {
        "pages/api/users.api.py": ("/api/users", "pages"),
        "app/x/route.api.py": ("/x", "app"),
    }


def test_discover_page_extensions_longest_first(make_tree: TreeBuilder) -> None:
    found = _found(
        make_tree, "pages/api/a.api.py", "pages/api/b.py", page_extensions=("py", "api.py")
    )
    assert found == {
        "pages/api/a.api.py": ("/api/a", "pages"),
        "pages/api/b.py": ("/api/b", "pages"),
    }


@pytest.mark.parametrize(
    ("file", "pattern"),
    [
        ("app/products/api/list.py", "/api/list"),
        ("app/products/api/index.py", "/api"),
        ("app/products/api/[id].py", "/api/[id]"),
        ("app/admin/products/api/x/y.py", "/api/x/y"),
        ("app/(shop)/api/cart.py", "/api/cart"),
        ("app/a/api/b/api/c.py", "/api/b/api/c"),  # the outermost api folder counts
        # Blitz's docs put the first API route at app/api/hello.js -> /api/hello.
        ("app/api/hello.py", "/api/hello"),
        ("app/api/index.py", "/api"),
        ("app/api/users/[id].py", "/api/users/[id]"),
        ("app/api/api/x.py", "/api/api/x"),
    ],
)
def test_discover_blitz_app_api(make_tree: TreeBuilder, file: str, pattern: str) -> None:
    assert _found(make_tree, file, blitz_app_api=True) == {file: (pattern, "pages")}


def test_discover_blitz_app_api_reads_app_api_beside_feature_folders(
    make_tree: TreeBuilder,
) -> None:
    found = _found(
        make_tree,
        "app/api/hello.py",
        "app/projects/api/webhook.py",
        "app/projects/x/route.py",
        blitz_app_api=True,
    )
    assert found == {
        "app/api/hello.py": ("/api/hello", "pages"),
        "app/projects/api/webhook.py": ("/api/webhook", "pages"),
        "app/projects/x/route.py": ("/projects/x", "app"),
    }


def test_discover_without_blitz_app_api_app_api_is_the_app_router(make_tree: TreeBuilder) -> None:
    found = _found(make_tree, "app/api/x.py", "app/api/y/route.py")
    assert found == {"app/api/y/route.py": ("/api/y", "app")}


@pytest.mark.parametrize(
    "file",
    [
        "app/x/api/route.py",
        "app/x/api/deep/route.py",
        "app/api/route.py",
        "app/api/y/route.py",
        "app/(g)/api/y/route.py",
    ],
)
def test_discover_file_claimed_by_two_readings(make_tree: TreeBuilder, file: str) -> None:
    root = make_tree(file)
    with pytest.raises(RouteDefinitionError, match=f"^{re.escape(file)} is claimed twice") as info:
        discover(root, Settings(blitz_app_api=True))
    assert info.value.files == (file,)
    assert info.value.hint == "move the file out of the api folder, or set blitz_app_api = false."


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            ["pages/api/users.py", "pages/api/users/index.py"],
            "Duplicate page detected. pages/api/users.py and pages/api/users/index.py both "
            "resolve to /api/users.",
        ),
        (
            ["pages/api.py", "pages/api/index.py"],
            "Duplicate page detected. pages/api.py and pages/api/index.py both resolve to /api.",
        ),
        (
            ["pages/api/x.py", "api/x.py"],
            "Duplicate page detected. api/x.py and pages/api/x.py both resolve to /api/x.",
        ),
        (
            ["pages/api/x.py", "app/api/x/route.py"],
            "Duplicate page detected. app/api/x/route.py and pages/api/x.py both resolve to "
            "/api/x.",
        ),
        (
            ["app/(a)/x/route.py", "app/(b)/x/route.py"],
            "Duplicate page detected. app/(a)/x/route.py and app/(b)/x/route.py both resolve "
            "to /x.",
        ),
        (
            ["app/_x/route.py", "app/%5Fx/route.py", "app/(g)/%5Fx/route.py"],
            "Duplicate page detected. app/%5Fx/route.py and app/(g)/%5Fx/route.py both resolve "
            "to /_x.",
        ),
    ],
)
def test_discover_rejects_two_files_for_one_url(
    make_tree: TreeBuilder, files: list[str], message: str
) -> None:
    root = make_tree(*files)
    with pytest.raises(RouteDefinitionError, match=f"^{re.escape(message)}\n") as info:
        discover(root, Settings())
    assert len(info.value.files) == 2


@pytest.mark.parametrize(
    ("files", "url"),
    [
        (("app/a/api/x.py", "app/b/api/x.py"), "/api/x"),
        (("app/api/hello.py", "app/projects/api/hello.py"), "/api/hello"),
        (("app/api/hello.py", "pages/api/hello.py"), "/api/hello"),
        (("api/hello.py", "app/api/hello.py"), "/api/hello"),
        (("app/api/index.py", "app/x/api/index.py"), "/api"),
        (("app/api/x/index.py", "app/y/api/x.py"), "/api/x"),
    ],
)
def test_discover_rejects_duplicate_blitz_route(
    make_tree: TreeBuilder, files: tuple[str, str], url: str
) -> None:
    root = make_tree(*files)
    message = f"Duplicate page detected. {files[0]} and {files[1]} both resolve to {url}."
    with pytest.raises(RouteDefinitionError, match=f"^{re.escape(message)}\n") as info:
        discover(root, Settings(blitz_app_api=True))
    assert info.value.files == files


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("pages/api/[[id]].py", 'Optional route parameters are not yet supported ("[[id]]").'),
        ("pages/api/[…x]/y.py", "Detected a three-dot character ('…') at ('…x')."),
        ("pages/api/[...a]/b.py", "Catch-all must be the last part of the URL."),
        ("app/[..x]/route.py", "Segment names may not start with erroneous periods ('..x')."),
    ],
)
def test_discover_rejects_bad_segment_names(
    make_tree: TreeBuilder, file: str, message: str
) -> None:
    root = make_tree(file)
    with pytest.raises(RouteDefinitionError, match=f"^{re.escape(message)}") as info:
        discover(root, Settings())
    assert info.value.files == (file,)


def test_discover_returns_a_stable_order(make_tree: TreeBuilder) -> None:
    root = make_tree("pages/api/b.py", "pages/api/a.py", "api/c.py", "app/d/route.py")
    relfiles = [route.relfile for route in discover(root, Settings())]
    assert relfiles == ["pages/api/a.py", "pages/api/b.py", "api/c.py", "app/d/route.py"]


def test_discover_does_not_loop_on_a_symlink_cycle(make_tree: TreeBuilder) -> None:
    root = make_tree("pages/api/a/x.py")
    (root / "pages/api/a/loop").symlink_to(root / "pages/api/a", target_is_directory=True)
    patterns = [route.pattern for route in discover(root, Settings())]
    # The link is followed once; inside it, the same link is not followed again.
    assert patterns == ["/api/a/loop/x", "/api/a/x"]
