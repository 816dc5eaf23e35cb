"""Schema of the rules area, versioned as its own sqlite-utils migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

rules = Migrations("caseboard.rules")
