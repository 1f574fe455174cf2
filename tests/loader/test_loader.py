from __future__ import annotations

import importlib
import logging
import os
import shutil
import sys
import textwrap
import threading
import types
import typing as t

import pytest

from routekit.config import AppRouteConfig, PagesConfig
from routekit.errors import (
    ConfigError,
    ModuleDefinitionError,
    RouteDefinitionError,
    RouteImportError,
)
from routekit.loader import AppRoute, EdgeRoute, Loader, PagesRoute, get_loader, load_handler
from routekit.loader import importer as loader_importer
from routekit.loader import registry as loader_registry
from routekit.loader._modules import activate
from routekit.routing.route import Route

if t.TYPE_CHECKING:
    from pathlib import Path

HANDLER = "def handler(req, res):\n    return None\n"
_PROJECT_TOPS = ("pages", "app", "api", "lib", "config", "middleware", "proxy")


@pytest.fixture(autouse=True)
def isolated_imports(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[types.ModuleType]:
    """Each test gets fresh loader registries and leaves sys.modules and sys.path as it found them.

    The ``rk_probe`` module records every execution of a route file (``probe.runs``).
    """
    monkeypatch.setattr(loader_registry, "_loaders", {})
    monkeypatch.setattr(loader_importer, "_roots", set())
    monkeypatch.setattr(loader_importer, "_stashes", {})
    probe = types.ModuleType("rk_probe")
    probe.runs = []  # type: ignore[attr-defined]
    modules = dict(sys.modules)
    path = list(sys.path)
    # Other tests' projects may have left their `pages`, `lib`... behind: start clean.
    for name in list(sys.modules):
        if name.partition(".")[0] in _PROJECT_TOPS:
            del sys.modules[name]
    sys.modules["rk_probe"] = probe
    yield probe
    sys.modules.clear()
    sys.modules.update(modules)
    sys.path[:] = path


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        file = root / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _route(root: Path, relfile: str, pattern: str = "/api/x") -> Route:
    kind: t.Literal["pages", "app"] = "app" if relfile.startswith("app/") else "pages"
    return Route(pattern, root / relfile, relfile, kind)


PROBED = """\
import rk_probe
rk_probe.runs.append(__name__)

def handler(req, res):
    return None
"""


def test_load_pages_route(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/hello.py": HANDLER})
    route = _route(tmp_path, "pages/api/hello.py")
    loaded = Loader(tmp_path).load(route)
    assert isinstance(loaded, PagesRoute)
    assert (loaded.route, loaded.kind, loaded.config) == (route, "pages", PagesConfig())
    assert loaded.handler is loaded.module.handler
    assert loaded.module.__name__ == "pages.api.hello"


def test_load_registers_the_dotted_name(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/hello.py": HANDLER})
    loaded = Loader(tmp_path).load(_route(tmp_path, "pages/api/hello.py"))
    from pages.api import hello  # type: ignore[import-not-found]

    assert hello is loaded.module
    assert importlib.import_module("pages.api.hello") is loaded.module


def test_load_reuses_a_module_the_test_imported_first(
    tmp_path: Path, isolated_imports: types.ModuleType
) -> None:
    _tree(tmp_path, {"pages/api/hello.py": PROBED})
    sys.path.insert(0, str(tmp_path))
    imported = importlib.import_module("pages.api.hello")
    loaded = Loader(tmp_path).load(_route(tmp_path, "pages/api/hello.py"))
    assert loaded.module is imported
    assert isolated_imports.runs == ["pages.api.hello"]


def test_load_is_lazy_and_once_per_process(
    tmp_path: Path, isolated_imports: types.ModuleType
) -> None:
    _tree(tmp_path, {"pages/api/hello.py": PROBED})
    route = _route(tmp_path, "pages/api/hello.py")
    loader = Loader(tmp_path)
    assert isolated_imports.runs == []
    first = loader.load(route)
    assert loader.load(route) is first
    assert Loader(tmp_path).load(route).module is first.module  # a second loader reuses it
    assert isolated_imports.runs == ["pages.api.hello"]


def test_load_racing_threads_import_once(
    tmp_path: Path, isolated_imports: types.ModuleType
) -> None:
    _tree(tmp_path, {"pages/api/slow.py": "import time\ntime.sleep(0.05)\n" + PROBED})
    route = _route(tmp_path, "pages/api/slow.py")
    loader = Loader(tmp_path)
    barrier = threading.Barrier(50)
    modules: list[types.ModuleType] = []

    def hit() -> None:
        barrier.wait()
        modules.append(loader.load(route).module)

    threads = [threading.Thread(target=hit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(modules) == 50
    assert len({id(module) for module in modules}) == 1
    assert isolated_imports.runs == ["pages.api.slow"]


def test_load_files_with_unimportable_names(tmp_path: Path) -> None:
    files = {"pages/api/users/[id].py": "X = 'id'\n" + HANDLER}
    files |= {"pages/api/send-email.py": "X = 'dash'\n" + HANDLER}
    files |= {"pages/api/send_email.py": "X = 'underscore'\n" + HANDLER}
    _tree(tmp_path, files)
    loader = Loader(tmp_path)
    by_id = loader.load(_route(tmp_path, "pages/api/users/[id].py")).module
    dash = loader.load(_route(tmp_path, "pages/api/send-email.py")).module
    underscore = loader.load(_route(tmp_path, "pages/api/send_email.py")).module
    assert (by_id.X, dash.X, underscore.X) == ("id", "dash", "underscore")
    assert by_id.__name__.startswith("routekit.routes.")
    assert by_id.__name__.endswith(".pages.api.users._5b_id_5d_")
    assert dash.__name__.endswith(".pages.api.send_2d_email")
    assert underscore.__name__ == "pages.api.send_email"
    assert sys.modules[dash.__name__] is dash


def test_load_synthetic_name_is_stable(tmp_path: Path) -> None:
    _tree(tmp_path, {"api/[slug].py": HANDLER})
    route = _route(tmp_path, "api/[slug].py")
    first = Loader(tmp_path).load(route).module
    assert Loader(tmp_path).load(route).module is first


def test_load_synthetic_name_when_the_dotted_name_is_taken(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/hello.py": HANDLER})
    sys.modules["pages"] = types.ModuleType("pages")  # some unrelated `pages` module
    module = Loader(tmp_path).load(_route(tmp_path, "pages/api/hello.py")).module
    assert module.__name__.startswith("routekit.routes.")


def test_load_does_not_shadow_a_module_beside_the_folder(tmp_path: Path) -> None:
    _tree(tmp_path, {"app.py": "WSGI = True\n", "app/items/route.py": "def GET(request): ...\n"})
    module = Loader(tmp_path).load(_route(tmp_path, "app/items/route.py")).module
    assert module.__name__.startswith("routekit.routes.")
    assert "app" not in sys.modules


def test_load_imports_real_parent_packages(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/__init__.py": "MARK = 'init ran'\n", "pages/api/hello.py": HANDLER})
    Loader(tmp_path).load(_route(tmp_path, "pages/api/hello.py"))
    assert sys.modules["pages"].MARK == "init ran"
    assert sys.modules["pages"].api.hello is sys.modules["pages.api.hello"]


def test_load_route_imports_project_helpers(tmp_path: Path) -> None:
    files = {
        "lib/__init__.py": "",
        "lib/data.py": "users = ['ada']\n",
        "pages/api/users.py": "from lib.data import users\n" + HANDLER,
    }
    _tree(tmp_path, files)
    module = Loader(tmp_path).load(_route(tmp_path, "pages/api/users.py")).module
    assert module.users == ["ada"]
    assert sys.path[0] == str(tmp_path.resolve())


def test_load_monkeypatching_a_helper_reaches_the_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "lib/__init__.py": "",
        "lib/data.py": "def get_user():\n    return 'real'\n",
        "pages/api/me.py": "from lib import data\n\ndef handler(req, res):\n"
        "    return data.get_user()\n",
    }
    _tree(tmp_path, files)
    loaded = Loader(tmp_path).load(_route(tmp_path, "pages/api/me.py"))
    monkeypatch.setattr("lib.data.get_user", lambda: "fake")
    assert loaded.handler is not None
    assert loaded.handler(None, None) == "fake"


def _project(root: Path, value: str) -> Path:
    files = {
        "lib/__init__.py": "",
        "lib/data.py": f"VALUE = {value!r}\n",
        "pages/api/value.py": "from lib import data\nfrom lib.data import VALUE\n" + HANDLER,
    }
    return _tree(root, files)


def _activate(root: Path) -> None:
    """What importing a route of *root* does first: its helper packages win ``import lib``."""
    with loader_importer._lock:
        activate(str(root.resolve()), loader_importer._roots, loader_importer._stashes)


def test_load_two_roots_do_not_share_helper_packages(tmp_path: Path) -> None:
    root_a = _project(tmp_path / "a", "a")
    root_b = _project(tmp_path / "b", "b")
    loader_a, loader_b = Loader(root_a), Loader(root_b)
    route_a = _route(root_a, "pages/api/value.py")
    route_b = _route(root_b, "pages/api/value.py")
    module_a = loader_a.load(route_a).module
    module_b = loader_b.load(route_b).module
    assert (module_a.VALUE, module_b.VALUE) == ("a", "b")
    assert (module_a.data.VALUE, module_b.data.VALUE) == ("a", "b")
    assert module_a.__file__ == str(root_a.resolve() / "pages/api/value.py")
    assert module_b.__file__ == str(root_b.resolve() / "pages/api/value.py")
    # The root that imported last owns the names, so a test's `import lib.data` matches.
    assert sys.modules["lib.data"] is module_b.data
    _activate(root_a)
    assert sys.modules["lib.data"] is module_a.data
    assert sys.modules["pages.api.value"] is module_a
    assert sys.path[0] == str(root_a.resolve())


def test_load_two_roots_put_back_their_own_helpers(tmp_path: Path) -> None:
    root_a = _project(tmp_path / "a", "a")
    root_b = _project(tmp_path / "b", "b")
    (root_a / "pages/api/other.py").write_text("from lib import data\n" + HANDLER)
    loader_a = Loader(root_a)
    module_a = loader_a.load(_route(root_a, "pages/api/value.py")).module
    Loader(root_b).load(_route(root_b, "pages/api/value.py"))
    other_a = loader_a.load(_route(root_a, "pages/api/other.py")).module
    assert other_a.data is module_a.data  # root a's lib, imported once, reused


def test_load_two_roots_regular_package_does_not_shadow_a_namespace(tmp_path: Path) -> None:
    root_b = _project(tmp_path / "b", "b")  # lib/ with __init__.py
    Loader(root_b).load(_route(root_b, "pages/api/value.py"))
    root_a = _tree(
        tmp_path / "a",
        {"lib/data.py": "VALUE = 'a'\n", "pages/api/value.py": "from lib.data import VALUE\n"},
    )
    # Only b's regular `lib` may compete (other test suites' folders stay out of the way).
    sys.path[:] = [p for p in sys.path if not os.path.isdir(os.path.join(p, "lib"))]
    sys.path.insert(0, str(root_b.resolve()))  # b first, as if its tests ran last
    module = Loader(root_a).import_file(root_a / "pages/api/value.py")
    assert module.VALUE == "a"


def test_invalidate_a_set_aside_route_reexecutes_it(
    tmp_path: Path, isolated_imports: types.ModuleType
) -> None:
    root_a = _project(tmp_path / "a", "a")
    root_b = _project(tmp_path / "b", "b")
    (root_a / "pages/api/value.py").write_text(PROBED)
    loader_a, route_a = Loader(root_a), _route(root_a, "pages/api/value.py")
    first = loader_a.load(route_a).module
    Loader(root_b).load(_route(root_b, "pages/api/value.py"))  # sets root a's modules aside
    loader_a.invalidate(route_a.file)
    assert loader_a.load(route_a).module is not first
    assert isolated_imports.runs == ["pages.api.value", "pages.api.value"]


def test_load_import_error_is_wrapped_and_retried(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/broken.py": "raise RuntimeError('db down')\n"})
    route = _route(tmp_path, "pages/api/broken.py")
    loader = Loader(tmp_path)
    with pytest.raises(RouteImportError) as info:
        loader.load(route)
    assert str(info.value) == "pages/api/broken.py failed to import: RuntimeError: db down"
    assert (info.value.file, type(info.value.cause)) == ("pages/api/broken.py", RuntimeError)
    assert "pages.api.broken" not in sys.modules
    (tmp_path / "pages/api/broken.py").write_text(HANDLER)
    assert loader.load(route).kind == "pages"


def test_load_syntax_error_is_wrapped(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/[id].py": "def handler(req, res)\n"})
    with pytest.raises(RouteImportError, match=r"^pages/api/\[id\].py failed to import: Syntax"):
        Loader(tmp_path).load(_route(tmp_path, "pages/api/[id].py"))
    file = str((tmp_path / "pages/api/[id].py").resolve())
    assert not [m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == file]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "def handle(req, res):\n    pass\n",
            "pages/api/hello.py: defines no handler; found 'handle' — did you mean 'handler'? "
            "A pages API route must define handler(req, res).",
        ),
        (
            "def default(req, res):\n    pass\n",
            "pages/api/hello.py: defines no handler; found 'default' — did you mean 'handler'? "
            "A pages API route must define handler(req, res).",
        ),
        (
            "X = 1\n",
            "pages/api/hello.py: defines no handler. A pages API route must define "
            "handler(req, res).",
        ),
        (
            "def GET(request):\n    pass\n",
            "pages/api/hello.py: defines no handler; found GET, which are app route exports "
            "(move the file to app/.../route.py for those). A pages API route must define "
            "handler(req, res).",
        ),
        (
            "handler = 'hello'\n",
            "pages/api/hello.py: handler is not a function (handler = 'hello'). A pages API "
            "route must define handler(req, res).",
        ),
        (
            "def handler(req):\n    pass\n",
            "pages/api/hello.py: handler(req) cannot be called as handler(req, res). A pages API "
            "route must define handler(req, res).",
        ),
        (
            "config = {'runtime': 'edge'}\ndef handler(req, res):\n    pass\n",
            "pages/api/hello.py: handler(req, res) cannot be called as handler(request). An edge "
            'API route (runtime "edge") must define handler(request) returning a Response.',
        ),
    ],
)
def test_load_bad_handler_messages(tmp_path: Path, source: str, message: str) -> None:
    _tree(tmp_path, {"pages/api/hello.py": source})
    with pytest.raises(ModuleDefinitionError) as info:
        Loader(tmp_path).load(_route(tmp_path, "pages/api/hello.py"))
    assert str(info.value) == message


@pytest.mark.parametrize(
    "handler",
    [
        "async def handler(req, res):\n    pass\n",
        "def handler(*args):\n    pass\n",
        "def handler(req, res, extra=None):\n    pass\n",
        "class Handler:\n    def __call__(self, req, res):\n        pass\nhandler = Handler()\n",
    ],
)
def test_load_accepts_handler_shapes(tmp_path: Path, handler: str) -> None:
    _tree(tmp_path, {"pages/api/hello.py": handler})
    assert Loader(tmp_path).load(_route(tmp_path, "pages/api/hello.py")).handler is not None


def test_load_edge_route(tmp_path: Path) -> None:
    source = "config = {'runtime': 'edge', 'regions': ['iad1']}\ndef handler(request):\n    pass\n"
    _tree(tmp_path, {"pages/api/edge.py": source})
    loaded = Loader(tmp_path).load(_route(tmp_path, "pages/api/edge.py"))
    assert isinstance(loaded, EdgeRoute)
    assert (loaded.kind, loaded.config) == ("edge", PagesConfig(runtime="edge"))
    assert loaded.handler is loaded.module.handler


def test_load_parses_config(tmp_path: Path) -> None:
    source = "config = {'api': {'bodyParser': {'sizeLimit': '500kb'}}}\n" + HANDLER
    _tree(tmp_path, {"pages/api/upload.py": source})
    loaded = Loader(tmp_path).load(_route(tmp_path, "pages/api/upload.py"))
    assert loaded.config == PagesConfig(size_limit=512000, size_limit_text="500kb")


def test_load_bad_config_is_a_config_error(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/x.py": "config = {'api': {'sizeLimit': '1mb'}}\n" + HANDLER})
    with pytest.raises(ConfigError, match=r'^pages/api/x.py: unknown key config\["api"\]'):
        Loader(tmp_path).load(_route(tmp_path, "pages/api/x.py"))


def test_load_imported_config_module_is_not_a_page_config(tmp_path: Path) -> None:
    _tree(tmp_path, {"config.py": "DB = 'x'\n", "pages/api/x.py": "import config\n" + HANDLER})
    assert Loader(tmp_path).load(_route(tmp_path, "pages/api/x.py")).config == PagesConfig()


def test_load_experimental_edge_warns_once(tmp_path: Path) -> None:
    source = "config = {'runtime': 'experimental-edge'}\ndef handler(request):\n    pass\n"
    _tree(tmp_path, {"pages/api/edge.py": source})
    loader, route = Loader(tmp_path), _route(tmp_path, "pages/api/edge.py")
    with pytest.warns(FutureWarning, match="provided runtime 'experimental-edge'"):
        assert loader.load(route).kind == "edge"
    assert loader.load(route).kind == "edge"  # cached: no second warning (it would raise)


APP_ROUTE = """\
dynamic = "force-dynamic"
revalidate = 60

def GET(request):
    pass

def POST(request):
    pass

def helper():
    pass
"""


def test_load_app_route(tmp_path: Path) -> None:
    _tree(tmp_path, {"app/api/items/route.py": APP_ROUTE})
    loaded = Loader(tmp_path).load(_route(tmp_path, "app/api/items/route.py"))
    assert isinstance(loaded, AppRoute)
    assert loaded.kind == "app"
    assert loaded.config == AppRouteConfig(dynamic="force-dynamic", revalidate=60)
    assert loaded.methods == {"GET": loaded.module.GET, "POST": loaded.module.POST}
    assert loaded.module.__name__ == "app.api.items.route"


def test_load_app_route_non_callable_method(tmp_path: Path) -> None:
    _tree(tmp_path, {"app/x/route.py": "GET = 'hello'\n"})
    with pytest.raises(ModuleDefinitionError) as info:
        Loader(tmp_path).load(_route(tmp_path, "app/x/route.py"))
    assert str(info.value) == (
        "app/x/route.py: GET is not a function (GET = 'hello')\n"
        "  fix: define it as def GET(request): ... returning a Response."
    )


def test_load_app_route_export_problems_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _tree(tmp_path, {"app/x/route.py": "def get(request):\n    pass\n"})
    with caplog.at_level(logging.WARNING, logger="routekit"):
        loaded = Loader(tmp_path).load(_route(tmp_path, "app/x/route.py"))
    assert loaded.methods == {}
    assert caplog.messages == [
        "Detected lowercase method 'get' in 'app/x/route.py'. Export the uppercase 'GET' "
        "method name to fix this error.",
        "No HTTP methods exported in 'app/x/route.py'. Export a named export for each HTTP method.",
    ]


def test_check_reports_every_problem(tmp_path: Path) -> None:
    files = {
        "pages/api/ok.py": HANDLER,
        "pages/api/broken.py": "import nonexistent_module_xyz\n",
        "pages/api/nohandler.py": "def handle(req, res):\n    pass\n",
        "pages/api/badconfig.py": "config = {'api': {'bodyParser': 'no'}}\n" + HANDLER,
        "app/empty/route.py": "def get(request):\n    pass\n",
    }
    _tree(tmp_path, files)
    routes = [_route(tmp_path, rel) for rel in files]
    problems = Loader(tmp_path).check(routes)
    assert [(type(p).__name__, p.file) for p in problems] == [
        ("RouteImportError", "pages/api/broken.py"),
        ("ModuleDefinitionError", "pages/api/nohandler.py"),
        ("ConfigError", "pages/api/badconfig.py"),
        ("ModuleDefinitionError", "app/empty/route.py"),
    ]
    assert str(problems[-1]) == (
        "app/empty/route.py: exports no HTTP method, so every request is answered 405 Method "
        "Not Allowed\n  fix: rename get to GET: app route exports are named by the uppercase "
        "method."
    )


def test_invalidate_reexecutes_the_file(tmp_path: Path, isolated_imports: types.ModuleType) -> None:
    _tree(tmp_path, {"pages/api/hello.py": "X = 1\n" + PROBED})
    route = _route(tmp_path, "pages/api/hello.py")
    loader = Loader(tmp_path)
    first = loader.load(route).module
    (tmp_path / "pages/api/hello.py").write_text("X = 2\n" + PROBED)  # same size, same second
    loader.invalidate(route.file)
    assert "pages.api.hello" not in sys.modules
    second = loader.load(route).module
    assert (first.X, second.X) == (1, 2)
    assert sys.modules["pages.api.hello"] is second
    assert sys.modules["pages.api"].hello is second
    assert isolated_imports.runs == ["pages.api.hello", "pages.api.hello"]


def test_invalidate_everything(tmp_path: Path, isolated_imports: types.ModuleType) -> None:
    _tree(tmp_path, {"pages/api/a.py": PROBED, "pages/api/[b].py": PROBED})
    loader = Loader(tmp_path)
    routes = [_route(tmp_path, "pages/api/a.py"), _route(tmp_path, "pages/api/[b].py")]
    for route in routes:
        loader.load(route)
    loader.invalidate()
    for route in routes:
        loader.load(route)
    assert len(isolated_imports.runs) == 4


def test_invalidate_drops_a_module_the_test_imported(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/hello.py": HANDLER})
    sys.path.insert(0, str(tmp_path))
    importlib.import_module("pages.api.hello")
    Loader(tmp_path).invalidate(tmp_path / "pages/api/hello.py")
    assert "pages.api.hello" not in sys.modules


def test_is_stale_follows_mtime(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/hello.py": HANDLER})
    route = _route(tmp_path, "pages/api/hello.py")
    loader = Loader(tmp_path)
    assert not loader.is_stale(route)  # never imported
    loader.load(route)
    assert not loader.is_stale(route)
    stat = route.file.stat()
    os.utime(route.file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert loader.is_stale(route)
    route.file.unlink()
    assert loader.is_stale(route)


def test_import_file_outside_root(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.py").write_text("")
    (tmp_path / "root").mkdir()
    with pytest.raises(RouteDefinitionError, match="is outside the project root"):
        Loader(tmp_path / "root").import_file(tmp_path / "elsewhere.py")


def test_get_loader_is_one_per_root(tmp_path: Path) -> None:
    assert get_loader(tmp_path) is get_loader(str(tmp_path / "." / ""))
    assert get_loader(tmp_path) is not get_loader(tmp_path / "other")


def test_load_handler_is_the_module_the_app_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, {"pages/api/users/[id].py": "def lookup():\n    return 'real'\n" + HANDLER})
    monkeypatch.chdir(tmp_path)
    module = load_handler("pages/api/users/[id].py")
    loaded = get_loader(tmp_path).load(_route(tmp_path, "pages/api/users/[id].py"))
    assert module is loaded.module
    monkeypatch.setattr(module, "lookup", lambda: "fake")
    assert loaded.module.lookup() == "fake"


@pytest.mark.parametrize(
    ("relfile", "root"),
    [
        ("proj/pages/api/hello.py", "proj"),
        ("proj/pages/api.py", "proj"),
        ("proj/api/hello.py", "proj"),
        ("proj/app/api/items/route.py", "proj"),
        ("proj/app/pages/route.py", "proj"),
        ("app/proj/pages/api/hello.py", "app/proj"),
        ("api/proj/pages/api/app/x.py", "api/proj"),
        ("proj/middleware.py", "proj"),
    ],
)
def test_load_handler_finds_the_project_root(tmp_path: Path, relfile: str, root: str) -> None:
    _tree(tmp_path, {relfile: HANDLER})
    (tmp_path / root / "pages").mkdir(exist_ok=True)
    load_handler(tmp_path / relfile)
    assert list(loader_registry._loaders) == [(tmp_path / root).resolve()]


def test_load_handler_prefers_a_known_root(tmp_path: Path) -> None:
    _tree(tmp_path, {"site/pages/api/app/route.py": HANDLER})
    get_loader(tmp_path / "site")
    module = load_handler(tmp_path / "site/pages/api/app/route.py")
    assert module.__name__ == "pages.api.app.route"


def test_load_handler_outside_route_folders(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("")
    with pytest.raises(RouteDefinitionError) as info:
        load_handler(tmp_path / "helpers.py")
    assert str(info.value).startswith(
        f"{tmp_path / 'helpers.py'} is not inside a pages/, app/ or api/ folder"
    )


def test_load_handler_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_handler(tmp_path / "pages/api/nope.py")


def test_loader_repr_shows_root_and_import_count(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/hello.py": HANDLER})
    loader = Loader(tmp_path)
    assert repr(loader) == f"<routekit.Loader {str(tmp_path.resolve())!r} imported=0>"
    loader.load(_route(tmp_path, "pages/api/hello.py"))
    assert repr(loader).endswith(" imported=1>")


def test_import_file_racing_threads_import_once(
    tmp_path: Path, isolated_imports: types.ModuleType
) -> None:
    _tree(tmp_path, {"middleware.py": "import time\ntime.sleep(0.05)\n" + PROBED})
    (tmp_path / "pages").mkdir()
    loader = Loader(tmp_path)
    barrier = threading.Barrier(8)
    modules: list[types.ModuleType] = []

    def hit() -> None:
        barrier.wait()
        modules.append(loader.import_file(tmp_path / "middleware.py"))

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(module) for module in modules}) == 1
    assert len(modules) == 8
    assert isolated_imports.runs == ["middleware"]


def test_load_failing_module_that_removed_itself_reports_its_own_error(tmp_path: Path) -> None:
    source = "import sys\ndel sys.modules[__name__]\nraise LookupError('gone')\n"
    _tree(tmp_path, {"pages/api/gone.py": source})
    with pytest.raises(RouteImportError) as info:
        Loader(tmp_path).load(_route(tmp_path, "pages/api/gone.py"))
    assert str(info.value) == "pages/api/gone.py failed to import: LookupError: gone"
    assert "pages.api.gone" not in sys.modules


def test_load_system_exit_during_import_is_not_wrapped(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/quit.py": "raise SystemExit(3)\n"})
    with pytest.raises(SystemExit) as info:
        Loader(tmp_path).load(_route(tmp_path, "pages/api/quit.py"))
    assert info.value.code == 3
    assert "pages.api.quit" not in sys.modules


def test_load_synthetic_name_when_the_dotted_module_is_another_file(tmp_path: Path) -> None:
    _tree(tmp_path, {"pages/api/hello.py": HANDLER})
    other = types.ModuleType("pages.api.hello")
    other.__file__ = str(tmp_path / "elsewhere" / "hello.py")
    sys.modules["pages.api.hello"] = other
    module = Loader(tmp_path).load(_route(tmp_path, "pages/api/hello.py")).module
    assert module.__name__.startswith("routekit.routes.")
    assert sys.modules["pages.api.hello"] is other


def test_load_failing_parent_package_is_a_route_import_error(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {"pages/__init__.py": "raise ImportError('no db')\n", "pages/api/hello.py": HANDLER},
    )
    with pytest.raises(RouteImportError) as info:
        Loader(tmp_path).load(_route(tmp_path, "pages/api/hello.py"))
    assert info.value.file == "pages/__init__.py"
    assert str(info.value) == "pages/__init__.py failed to import: ImportError: no db"


def test_invalidate_a_file_outside_the_root_changes_nothing(
    tmp_path: Path, isolated_imports: types.ModuleType
) -> None:
    root = _tree(tmp_path / "root", {"pages/api/hello.py": PROBED})
    route = _route(root, "pages/api/hello.py")
    loader = Loader(root)
    first = loader.load(route)
    loader.invalidate(tmp_path / "elsewhere.py")
    assert loader.load(route) is first
    assert isolated_imports.runs == ["pages.api.hello"]


class _UnlistablePath:
    def __iter__(self) -> t.Iterator[str]:
        raise RuntimeError("a custom importer's __path__")


def test_load_two_roots_leave_foreign_modules_without_a_location_alone(tmp_path: Path) -> None:
    root_a = _project(tmp_path / "a", "a")
    root_b = _project(tmp_path / "b", "b")
    Loader(root_a).load(_route(root_a, "pages/api/value.py"))
    # Modules named like b's `lib` folder that no root owns: a bare module and a custom one.
    bare = types.ModuleType("lib.bare")
    custom = types.ModuleType("lib.custom")
    custom.__path__ = _UnlistablePath()  # type: ignore[attr-defined]
    sys.modules["lib.bare"] = bare
    sys.modules["lib.custom"] = custom
    Loader(root_b).load(_route(root_b, "pages/api/value.py"))
    assert sys.modules["lib.bare"] is bare
    assert sys.modules["lib.custom"] is custom
    assert sys.modules["lib.data"].VALUE == "b"


def test_activate_a_root_that_vanished_still_puts_it_first(tmp_path: Path) -> None:
    root_a = _project(tmp_path / "a", "a")
    loader_a = Loader(root_a)
    Loader(_project(tmp_path / "b", "b"))
    loader_a.load(_route(root_a, "pages/api/value.py"))
    shutil.rmtree(root_a)
    _activate(root_a)
    assert sys.path[0] == str(root_a.resolve())


def test_load_handler_without_a_signature_is_accepted(tmp_path: Path) -> None:
    source = """\
    class _Handler:
        __signature__ = "not a signature"  # inspect.signature raises TypeError

        def __call__(self, req, res):
            return "called"

    handler = _Handler()
    """
    _tree(tmp_path, {"pages/api/odd.py": source})
    loaded = Loader(tmp_path).load(_route(tmp_path, "pages/api/odd.py"))
    assert loaded.handler is not None
    assert loaded.handler(None, None) == "called"


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        (
            HANDLER,
            "handler(req, res) is the pages router's convention; an app route defines "
            "GET(request), POST(request)...",
        ),
        ("X = 1\n", "define e.g. def GET(request): ... returning a Response."),
    ],
)
def test_check_app_route_without_methods_hints(tmp_path: Path, source: str, hint: str) -> None:
    _tree(tmp_path, {"app/x/route.py": source})
    [problem] = Loader(tmp_path).check([_route(tmp_path, "app/x/route.py")])
    assert isinstance(problem, ModuleDefinitionError)
    assert str(problem) == (
        "app/x/route.py: exports no HTTP method, so every request is answered 405 Method "
        f"Not Allowed\n  fix: {hint}"
    )


def test_load_handler_skips_known_roots_that_do_not_hold_the_file(tmp_path: Path) -> None:
    _tree(tmp_path, {"site/pages/api/hello.py": HANDLER, "site/helpers.py": ""})
    get_loader(tmp_path / "other")
    get_loader(tmp_path / "site")
    module = load_handler(tmp_path / "site/pages/api/hello.py")
    assert module.__name__ == "pages.api.hello"
    # A file at a known root is a route only when it is the middleware.
    with pytest.raises(RouteDefinitionError, match="is not inside a pages/, app/ or api/ folder"):
        load_handler(tmp_path / "site/helpers.py")


ITEMS_ROUTE = """\
from routekit import Response

def GET(request):
    return Response("ok")
"""


def test_load_app_route_methods_are_read_at_load_not_per_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from routekit._wire import BufferSink, RawRequest
    from routekit.app import App
    from routekit.loader import exports

    reads: list[str] = []
    real = exports.app_route_methods

    def counting(module: types.ModuleType) -> dict[str, t.Callable[..., t.Any]]:
        reads.append(module.__name__)
        return real(module)

    monkeypatch.setattr(exports, "app_route_methods", counting)
    _tree(tmp_path, {"app/api/items/route.py": ITEMS_ROUTE})
    app = App(tmp_path)
    statuses = []
    for method in ("GET", "GET", "HEAD", "OPTIONS", "POST"):
        sink = BufferSink()
        app.handle(RawRequest(method, "/api/items"), sink)
        statuses.append(sink.status)
        if len(statuses) == 1:
            at_load = len(reads)
    assert statuses == [200, 200, 200, 204, 405]
    assert at_load > 0
    assert len(reads) == at_load  # the later requests read nothing
