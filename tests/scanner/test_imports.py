"""The scanner's modules import one another without a cycle, and never the web app."""

import ast
from pathlib import Path

import scanner

PACKAGE = Path(scanner.__file__).parent
FORBIDDEN = ("webapp", "flask")


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside a function, as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "scanner." + (node.module or "") if node.level else node.module or ""
            found.add(base.rstrip("."))
            found.update(f"{base.rstrip('.')}.{alias.name}" for alias in node.names)
    return found


def scanner_graph() -> dict[str, set[str]]:
    modules = {f"scanner.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return {
        f"scanner.{p.stem}": imports_of(p) & modules
        for p in PACKAGE.glob("*.py")
        if p.stem != "__init__"
    }


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path of module names, or [] when there is none."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = "done"
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return []


def test_no_import_cycle_among_scanner_modules():
    graph = scanner_graph()
    assert {"scanner.scan", "scanner.annotate", "scanner.results"} <= set(graph)
    assert cycle(graph) == []


def test_cycle_finder_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_scanner_never_imports_the_web_app_or_flask():
    for path in PACKAGE.glob("*.py"):
        bad = {m for m in imports_of(path) if m.split(".")[0] in FORBIDDEN}
        assert not bad, f"{path.name} imports {sorted(bad)}"
