"""The documentation site builds with ``mkdocs build --strict`` (no broken link or anchor, no
page missing from the nav), and the built site is self-contained: it works offline."""

from __future__ import annotations

import html.parser
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
#: Attributes that make a browser fetch something (links a reader follows are fine).
_FETCHED = {
    "script": "src",
    "img": "src",
    "source": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "link": "href",
}
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.I)
_CSS_URL = re.compile(r"""url\(\s*['"]?(?P<url>[^'")\s]+)|@import\s+['"](?P<imp>[^'"]+)""", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mkdocs")
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    return out


class _Fetches(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = _FETCHED.get(tag)
        for name, value in attrs:
            if value and (name == wanted or name == "srcset"):
                self.urls.append(value)
            if name == "style" and value:
                self.inline_css.append(value)
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.inline_css.append(data)


def _css_urls(text: str) -> list[str]:
    return [m["url"] or m["imp"] for m in _CSS_URL.finditer(text)]


def test_docs_build_strict(site: Path) -> None:
    assert (site / "tutorial" / "index.html").is_file()


def test_docs_site_fetches_nothing_from_the_network(site: Path) -> None:
    external: list[str] = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parser = _Fetches()
        parser.feed(page.read_text(encoding="utf-8"))
        urls = parser.urls + [url for css in parser.inline_css for url in _css_urls(css)]
        external += [f"{page.relative_to(site)}: {url}" for url in urls if _EXTERNAL.match(url)]
    for sheet in sorted(site.rglob("*.css")):
        urls = _css_urls(sheet.read_text(encoding="utf-8"))
        external += [f"{sheet.relative_to(site)}: {url}" for url in urls if _EXTERNAL.match(url)]
    assert external == []


def test_docs_site_links_the_project_repository(site: Path) -> None:
    urls = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="{urls["Repository"]}"' in index
    for page in site.rglob("*.html"):
        assert "example.invalid" not in page.read_text(encoding="utf-8"), page


def test_docs_site_theme_features(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-scheme="default"' in index
    assert "Switch to dark mode" in index
    assert "Switch to light mode" in index
    found = re.search(r'id="__config"[^>]*>(.*?)</script>', index, re.S)
    assert found is not None
    config = json.loads(found[1])
    assert "content.code.copy" in config["features"]
    assert (site / "search" / "search_index.json").is_file()
    assert 'class="admonition tip"' in index
    # Code is highlighted at build time by Pygments (a keyword span), not by a script.
    started = (site / "getting-started" / "index.html").read_text(encoding="utf-8")
    assert '<span class="k">def</span>' in started
    assert "fonts.googleapis" not in index


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("a { background: url('https://x/y.png') }", ["https://x/y.png"]),
        ('@import "//cdn/x.css";', ["//cdn/x.css"]),
        ("a { background: url(data:image/png;base64,xx) }", ["data:image/png;base64,xx"]),
    ],
)
def test_css_urls(text: str, urls: list[str]) -> None:
    assert _css_urls(text) == urls


def test_fetches_parser() -> None:
    parser = _Fetches()
    parser.feed(
        '<script src="https://cdn/x.js"></script><a href="https://elsewhere">x</a>'
        '<link rel="stylesheet" href="assets/x.css"><img srcset="//cdn/i.png 2x">'
        "<style>@import 'https://fonts/x.css';</style>"
    )
    assert parser.urls == ["https://cdn/x.js", "assets/x.css", "//cdn/i.png 2x"]
    assert parser.inline_css == ["@import 'https://fonts/x.css';"]
