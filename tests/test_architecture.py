"""The shape of the package, as ARCHITECTURE.md draws it: imports point one way only, down the
pipeline; no import cycles; no module reaches into another's private names; modules and
functions stay small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "nianbao"

#: The rooms from the top floor down. A room may import from the rooms below it, never from
#: those above it or beside it on its floor. Modules at the package root (errors, roots, atomic)
#: are the ground floor: everyone may import them, they import no room.
FLOORS = [
    ["nianbao.cli"],
    ["nianbao.audit", "nianbao.excel"],
    ["nianbao.batch"],
    ["nianbao.run"],
    ["nianbao.content"],
    ["nianbao.render"],
    ["nianbao.workflows"],
    ["nianbao.rules"],
    ["nianbao.data"],
    ["nianbao.format"],
]
GROUND = {"nianbao", "nianbao.errors", "nianbao.roots", "nianbao.atomic"}
MAX_MODULE_LINES = 400
LONG_MODULES_ALLOWED = {"format/schema.py"}  # the national format as data
MAX_FUNCTION_LINES = 60


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("nianbao", cache_dir=None)


def _room(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (len(parts) == 2 and module not in GROUND) else module


def _floor(room: str) -> int | None:
    return next((i for i, floor in enumerate(FLOORS) if room in floor), None)


def _imports(graph) -> list[tuple[str, str, int]]:
    out = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
            out.append((importer, imported, min(lines) if lines else 0))
    return out


def test_every_module_has_a_room(graph):
    homeless = [m for m in graph.modules if m not in GROUND and _floor(_room(m)) is None]
    assert not homeless, f"modules in no declared room (add them to FLOORS and ARCHITECTURE.md): {homeless}"


def test_imports_point_down_the_pipeline(graph):
    wrong = []
    for importer, imported, line in _imports(graph):
        a, b = _room(importer), _room(imported)
        if a == b:
            continue
        if a in GROUND and b not in GROUND:
            wrong.append(f"{importer}:{line} imports {imported} (the ground floor imports no room)")
            continue
        fa, fb = _floor(a), _floor(b)
        if fb is None:  # the ground floor
            continue
        if fa is not None and fa >= fb:
            wrong.append(f"{importer}:{line} imports {imported} ({a} may not import {b}: same floor or above)")
    assert not wrong, "\n".join(wrong)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles(graph):
    edges: dict[str, set[str]] = {}
    for importer, imported, _ in _imports(graph):
        if not imported.startswith("nianbao") or importer == imported:
            continue
        # a package's __init__ that hands on its modules' names is not a cycle with them
        if importer in (imported.rsplit(".", 1)[0],) and importer != "nianbao":
            continue
        edges.setdefault(importer, set()).add(imported)
    assert not _cycles(edges), _cycles(edges)


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _module_name(rel: str) -> str:
    name = "nianbao." + rel.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def test_no_module_uses_another_modules_private_names():
    wrong = []
    for _, rel, tree in _modules():
        me = _module_name(rel)
        aliases: dict[str, str] = {}  # local name -> nianbao module
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nianbao"):
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__") and node.module != me:
                        wrong.append(f"{rel}:{node.lineno} imports {node.module}.{a.name}")
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("nianbao"):
                        aliases[a.asname or a.name.split(".")[0]] = a.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and aliases[node.value.id] != me
            ):
                wrong.append(f"{rel}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    assert not wrong, "\n".join(wrong)


def test_modules_and_functions_stay_small():
    long_modules, long_functions = [], []
    for path, rel, tree in _modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES and rel not in LONG_MODULES_ALLOWED:
            long_modules.append(f"{rel}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{rel}:{node.lineno} {node.name}: {length} lines")
    assert not long_modules and not long_functions, "\n".join(long_modules + long_functions)
