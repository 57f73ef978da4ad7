"""The package's folders are its pipeline: each stage imports only from the stages below it, and
every table of feed formats is the one registry."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from feedpub import config
from feedpub.render.formats import (
    BROWSER_TYPE,
    CSS_TYPE,
    FORMATS,
    OPML_PATH,
    OPML_TYPE,
    STYLESHEET_PATH,
    browser_type,
    media_type,
)

from .conftest import ROOT

PACKAGE = ROOT / "src" / "feedpub"
# lowest first: a module may import from its own stage and the ones before it
STAGES = ["base", "sites", "read", "render", "publish", "service", "serve", "cli"]
MAX_FUNCTION_LINES = 50
MAX_MODULE_LINES = 300  # docs/architecture.md says no module is longer


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return "cli" if module == "feedpub.cli" else "base"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level:
            pytest.fail(f"{path}:{node.lineno}: relative import (the package imports absolutely)")
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name == "feedpub" or name.startswith("feedpub.")]


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_stages_import_only_downward(path):
    own = STAGES.index(stage_of(module_name(path)))
    for imported, line in imported_modules(path):
        assert STAGES.index(stage_of(imported)) <= own, (
            f"{path.relative_to(ROOT)}:{line} imports {imported}, a later stage"
        )


def test_every_stage_is_a_folder_with_a_docstring():
    for stage in STAGES[1:-1]:
        init = PACKAGE / stage / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{stage}/ says nothing"


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_functions_stay_short(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{module_name(path)}.{node.name} has {length} lines"


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_modules_stay_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module_name(path)} has {lines} lines: split it by what its parts do"


def test_config_accepts_exactly_the_registered_formats():
    assert tuple(FORMATS) == config.FORMATS


def test_every_format_renders_through_its_registered_module():
    for fmt in FORMATS.values():
        assert callable(fmt.renderer.render_entry) and callable(fmt.renderer.render_feed), fmt.name


def nginx_types() -> dict[str, str]:
    """File-name pattern of each `location` block in deploy/nginx.conf → its default_type."""
    text = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    blocks = re.findall(r"location (?:~|=|\^~) (\S+) \{\n(.*?)\n    \}", text, re.DOTALL)
    found = {}
    for pattern, body in blocks:
        match = re.search(r'default_type "([^"]+)"', body)
        if match:
            found[pattern] = match.group(1)
    return found


@pytest.mark.parametrize("name", list(FORMATS))
def test_nginx_serves_each_format_with_the_registered_type(name):
    fmt = FORMATS[name]
    pattern = r"(^|/)" + re.escape(fmt.file_name) + "$"
    assert nginx_types().get(pattern) == fmt.served_type == media_type(f"tags/x/{fmt.file_name}")


def test_nginx_serves_opml_and_archives_with_the_registered_types():
    types = nginx_types()
    assert types["/" + OPML_PATH] == OPML_TYPE == media_type(OPML_PATH)
    assert types[r"(^|/)archive/[0-9]+\.xml$"] == FORMATS["atom"].served_type == media_type("archive/3.xml")


def test_nginx_serves_the_feed_stylesheet_and_the_browser_view_with_the_registered_types():
    types = nginx_types()
    assert types["/" + STYLESHEET_PATH] == CSS_TYPE == media_type(STYLESHEET_PATH)
    assert types["/@browser/"] == BROWSER_TYPE == browser_type("atom.xml") == browser_type("tags/x/rss.xml")
    assert browser_type("archive/3.xml") == BROWSER_TYPE and browser_type("feed.json") is None
