"""Finding code that writes the ledger's tables (movements, balances) anywhere but the writer.

Rule 8 of the architecture: one writer. The static scan reads Python source (without
importing it) and reports every way this code base writes a table: raw SQL text, SQLAlchemy
Core statements on the table or its model (directly or through a module-level alias such as
`_B = Balance.__table__`), ORM rows made from the model, bulk mappings, and query-level
update/delete. The runtime check (WRITE_SQL) reads the SQL a database actually receives.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

LEDGER_TABLES = ("movements", "balances")
LEDGER_MODELS = frozenset({"Movement", "Balance"})
# The one writer: writer.py, and the balance statements it sends (balance_sql.py, which an
# import contract lets only the writer import). Migrations live outside server/, unscanned.
WRITER_FILES = (Path("ledger") / "writer.py", Path("ledger") / "balance_sql.py")
WRITER_MODULES = frozenset({"scanfloor.ledger.writer", "scanfloor.ledger.balance_sql"})

# A statement that writes one of the tables: INSERT [OR x] INTO, UPDATE, DELETE FROM,
# REPLACE INTO, MERGE INTO, TRUNCATE [TABLE], optionally quoted or schema-qualified.
WRITE_SQL = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|MERGE\s+INTO"
    r"|TRUNCATE(?:\s+TABLE)?)\s+(?:\w+\.)?[\"`\[]?(movements|balances)\b",
    re.IGNORECASE,
)
_WRITE_METHODS = frozenset({"insert", "update", "delete"})
_BULK = frozenset({"bulk_insert_mappings", "bulk_update_mappings"})


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _string_text(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's literal parts joined (placeholders as ?)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "?"
            for v in node.values
        )
    return None


class _Scanner:
    def __init__(self, tree: ast.Module, path: str) -> None:
        self.tree = tree
        self.path = path
        self.aliases = self._aliases()

    def _is_table_call(self, node: ast.AST) -> bool:
        """table("movements", ...) / Table("balances", ...)."""
        if not isinstance(node, ast.Call) or not node.args:
            return False
        name = node.func.attr if isinstance(node.func, ast.Attribute) else None
        name = node.func.id if isinstance(node.func, ast.Name) else name
        return name in {"table", "Table"} and _string_text(node.args[0]) in LEDGER_TABLES

    def refers(self, node: ast.AST, aliases: set[str] | None = None) -> bool:
        """Whether an expression is a ledger model, its __table__, or an alias of either."""
        names = self.aliases if aliases is None else aliases
        if isinstance(node, ast.Name):
            return node.id in LEDGER_MODELS or node.id in names
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            return self.refers(node.value, names)
        return self._is_table_call(node)

    def _aliases(self) -> set[str]:
        """Names bound to a ledger table anywhere in the module, to a fixed point."""
        found: set[str] = set()
        while True:
            before = len(found)
            for node in ast.walk(self.tree):
                targets: list[ast.expr] = []
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    targets, value = [node.target], node.value
                else:
                    continue
                if self.refers(value, found):
                    found |= {t.id for t in targets if isinstance(t, ast.Name)}
            if len(found) == before:
                return found

    def _chain_queries_ledger(self, node: ast.AST) -> bool:
        """session.query(Balance).filter(...) -> somewhere in the chain a query of the model."""
        while isinstance(node, ast.Call | ast.Attribute):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "query"
                and any(self.refers(a) for a in node.args)
            ):
                return True
            node = node.func if isinstance(node, ast.Call) else node.value
        return False

    def findings(self) -> Iterator[Finding]:
        # An f-string's literal parts are read with it, not again on their own.
        parts = {
            id(v) for n in ast.walk(self.tree) if isinstance(n, ast.JoinedStr) for v in n.values
        }
        for node in ast.walk(self.tree):
            text = None if id(node) in parts else _string_text(node)
            if text is not None and (m := WRITE_SQL.search(text)):
                yield Finding(self.path, node.lineno, f"SQL writes {m.group(1)}: {m.group(0)!r}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            line = node.lineno
            if isinstance(func, ast.Name) and func.id in LEDGER_MODELS:
                yield Finding(self.path, line, f"makes a {func.id} row")
            elif name in _WRITE_METHODS:
                if isinstance(func, ast.Attribute) and self.refers(func.value):
                    yield Finding(self.path, line, f"{name}() on a ledger table")
                elif node.args and self.refers(node.args[0]):
                    yield Finding(self.path, line, f"{name}(<ledger table>)")
                elif isinstance(func, ast.Attribute) and self._chain_queries_ledger(func.value):
                    yield Finding(self.path, line, f"query(<ledger model>).{name}()")
            elif name in _BULK and any(self.refers(a) for a in node.args):
                yield Finding(self.path, line, f"{name}(<ledger model>)")


def scan_source(source: str, path: str = "<source>") -> list[Finding]:
    """Every place this Python source writes movements or balances."""
    return sorted(_Scanner(ast.parse(source), path).findings(), key=lambda f: f.line)


def scan_tree(root: Path, exempt: Iterable[Path] = WRITER_FILES) -> list[Finding]:
    """Every write to the ledger's tables under root, except in the exempt files."""
    skip = {root / p for p in exempt}
    out: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        if path not in skip:
            out += scan_source(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    return out
