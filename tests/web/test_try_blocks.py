"""Views do not catch the library's refusals one by one: a refused form is answered by
one decorator (webapp/web/refused_forms.py) and every other error by the app's one
error path (webapp/web/error_pages.py). What is left of ``try`` in the web layer is
counted here, so that a new view does not quietly start its own."""

from __future__ import annotations

import ast
from pathlib import Path

import webapp.web

#: The most ``try`` statements webapp/web may hold (issue 28: "at most 8").
MOST = 8


def try_statements(folder: Path) -> dict[str, int]:
    """``try`` statements (with ``except``, ``finally`` or both) per module under ``folder``."""
    counts = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = sum(isinstance(node, ast.Try | ast.TryStar) for node in ast.walk(tree))
        if found:
            counts[str(path.relative_to(folder))] = found
    return counts


def test_the_web_layer_holds_at_most_eight_try_blocks():
    counts = try_statements(Path(webapp.web.__file__).parent)
    assert sum(counts.values()) <= MOST, counts


def test_the_count_sees_every_kind_of_try(tmp_path):
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "a.py").write_text(
        "try:\n    pass\nexcept ValueError:\n    pass\n"
        "def f():\n    try:\n        return 1\n    finally:\n        pass\n"
    )
    (tmp_path / "b.py").write_text("try:\n    pass\nexcept* ValueError:\n    pass\n")
    assert try_statements(tmp_path) == {"b.py": 1, "views/a.py": 2}
