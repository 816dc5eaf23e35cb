"""`caseboard --help` and light commands start without the heavy libraries."""

import json
import subprocess
import sys

HEAVY = ("cv2", "zxingcpp", "reportlab", "flask", "PIL", "sqlite_utils", "numpy")
#: What a command that opens the store needs: sqlite-utils imports numpy when it is there.
STORE = ["numpy", "sqlite_utils"]

PROBE = """
import json, sys
from webapp.cli import main
try:
    main({args!r}, standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def loaded_after(*args: str, env=None) -> list[str]:
    code = PROBE.format(args=list(args), heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_help_imports_no_heavy_library():
    assert loaded_after("--help") == []


def test_family_list_imports_no_heavy_library(tmp_path):
    db = str(tmp_path / "c.db")
    subprocess.run(
        [sys.executable, "-m", "webapp.cli", "init", "--db", db, "--team", "North"],
        check=True,
        capture_output=True,
    )
    assert loaded_after("family", "list", "--db", db, "--json") == STORE
