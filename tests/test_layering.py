"""The layers hold: tilegen, printables and scanner never import webapp or the web stack,
and no project modules import each other in a cycle.

Every module is parsed with ``ast``; every ``import`` counts, at module level or inside a
function. Import semantics followed:

- relative imports are resolved against the importing module's package;
- ``from pkg import name`` imports ``pkg.name`` when that is a module, else ``pkg``;
- importing ``pkg.sub`` also imports ``pkg`` (its ``__init__``), except where ``pkg`` is a
  package the importing module itself lives in: that one is already being imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tilegen", "printables", "scanner", "webapp")
LIBRARIES = ("tilegen", "printables", "scanner")  # usable without the web app
FORBIDDEN_IN_LIBRARIES = ("webapp", "flask", "flask_login", "flask_wtf", "werkzeug")


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = module_files()


def is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def ancestors(module: str) -> list[str]:
    """``a.b.c`` -> ``["a", "a.b"]``."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def resolve_relative(module: str, level: int, target: str | None) -> str:
    """The absolute name of ``from <level dots><target> import ...`` inside ``module``."""
    package = module if is_package(module) else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{target}" if target else package


def imports_of(module: str) -> list[tuple[str, int, bool]]:
    """``(imported module name, line, explicit)`` for every import in ``module``.

    Names are as written (resolved to absolute); ``explicit`` is False for the parent
    packages that importing a submodule brings in implicitly.
    """
    tree = ast.parse(MODULES[module].read_text(), filename=str(MODULES[module]))
    named: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = resolve_relative(module, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                named.append((sub if sub in MODULES else base, node.lineno))
    found = []
    for name, line in named:
        found.append((name, line, True))
        found.extend((parent, line, False) for parent in ancestors(name))
    return found


def project_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (see the module docstring)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        own = set(ancestors(module))
        for name, _, explicit in imports_of(module):
            if name in MODULES and name != module and (explicit or name not in own):
                graph[module].add(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle path (first node repeated at the end) per strongly connected component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [shortest_cycle(graph, component) for component in components]


def shortest_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """The shortest import path from the component's first module back to itself."""
    start, members = component[0], set(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for succ in sorted(graph[node] & members):
                if succ == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if succ not in came_from:
                    came_from[succ] = node
                    following.append(succ)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {component}")


def test_every_package_is_found():
    for package in PACKAGES:
        assert package in MODULES and is_package(package), package
    assert len(MODULES) > 50


@pytest.mark.parametrize("library", LIBRARIES)
def test_libraries_do_not_import_the_web_app(library):
    offending = [
        f"{MODULES[module].relative_to(ROOT)}:{line} imports {name}"
        for module in MODULES
        if module.split(".")[0] == library
        for name, line, explicit in imports_of(module)
        if explicit and name.split(".")[0] in FORBIDDEN_IN_LIBRARIES
    ]
    assert not offending, "\n".join(offending)


def test_no_import_cycles():
    found = cycles(project_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"x": {"y"}, "y": set()}) == []


#: The web app's packages from the bottom up: each imports only from its own package and
#: the ones before it. ``values`` holds plain values (dates, bounds, working days);
#: ``accounts`` the teams and the people in them; ``cases`` a family's case and its
#: history; ``rules`` read that history; ``practice`` and ``reports`` read the rules;
#: ``meeting`` builds the weekly agenda from all of them; ``scans`` syncs the wall.
WEB_APP_LAYERS = (
    "errors",
    "values",
    "store",
    "accounts",
    "cases",
    "rules",
    "practice",
    "reports",
    "meeting",
    "printing",
    "scans",
    "notify",
    "demo",
    "scheduler",
    "doctor",
    "web",
    "cli",
)


def layer_of(module: str) -> str:
    """``webapp.cases.history`` -> ``cases``; the package's own ``__init__`` -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_web_app_package_has_a_layer():
    packages = {layer_of(m) for m in MODULES if m.startswith("webapp.")} - {"__main__"}
    assert packages == set(WEB_APP_LAYERS)


def upward_imports() -> list[str]:
    """Every import in the web app of a package above the importing one's."""
    rank = {name: i for i, name in enumerate(WEB_APP_LAYERS)}
    return [
        f"{module}:{line} imports {name}"
        for module in MODULES
        if module.startswith("webapp.")
        for name, line, explicit in imports_of(module)
        if explicit and name.startswith("webapp.") and rank[layer_of(name)] > rank[layer_of(module)]
    ]


def test_web_app_imports_go_one_way():
    offending = upward_imports()
    assert not offending, "imports up the layers:\n" + "\n".join(offending)


def test_cases_never_import_the_rules():
    offending = [
        f"{MODULES[module].relative_to(ROOT)}:{line} imports {name}"
        for module in MODULES
        if module.startswith("webapp.cases")
        for name, line, _ in imports_of(module)
        if name.startswith("webapp.rules")
    ]
    assert not offending, "\n".join(offending)


def test_the_layer_check_sees_an_upward_import(tmp_path, monkeypatch):
    """A case module importing a rule, even inside a function, is reported."""
    fake = tmp_path / "webapp" / "cases" / "fake.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    from webapp.rules.alerts import open_alerts\n")
    monkeypatch.setitem(MODULES, "webapp.cases.fake", fake)
    assert upward_imports() == ["webapp.cases.fake:2 imports webapp.rules.alerts"]
