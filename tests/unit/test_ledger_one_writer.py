"""One writer, checked in the source: nothing but the ledger writer writes the movements or
balances tables, however the write is spelled; the scan catches each spelling it is shown."""

from __future__ import annotations

from pathlib import Path
from textwrap import indent

import pytest

from tests.ledger_write_scan import WRITER_FILES, scan_source, scan_tree

SERVER = Path(__file__).resolve().parents[2] / "server" / "scanfloor"

WRITES = {
    "raw SQL": 'text("UPDATE balances SET quantity = 0")',
    "raw SQL, lower case, quoted": "conn.exec_driver_sql('delete from \"movements\" where id = 1')",
    "SQL split over lines": '("INSERT INTO movements (item_id) "\n "VALUES (:i)")',
    "SQL in an f-string": 'f"UPDATE balances SET quantity = {q} WHERE id = {i}"',
    "SQLite upsert": '"INSERT OR REPLACE INTO balances VALUES (1)"',
    "REPLACE": '"REPLACE INTO movements VALUES (1)"',
    "the table's insert()": "Movement.__table__.insert().values(quantity=1)",
    "an alias of the table": "_B = Balance.__table__\nconn.execute(_B.update().values(quantity=0))",
    "an alias of an alias": "_T = Movement.__table__\n_M = _T\nconn.execute(_M.delete())",
    "core insert(model)": "conn.execute(insert(Movement).values(quantity=1))",
    "core delete(table)": "sa.delete(Balance.__table__)",
    "a lightweight table()": 'sa.table("movements").delete()',
    "an ORM row": "db.session.add(Movement(item_id=1, quantity=5))",
    "a query-level delete": "db.session.query(Balance).filter(Balance.id == 1).delete()",
    "bulk mappings": "db.session.bulk_insert_mappings(Balance, rows)",
}

READS = {
    "a select": "select(Balance).where(Balance.quantity > 0)",
    "SQL that reads": '"SELECT quantity FROM balances WHERE id = :id FOR UPDATE"',
    "a column": "Movement.__table__.c.quantity",
    "another table's update": "conn.execute(Reservation.__table__.update())",
    "a dict update": "answer.update(balances=1)",
    "a trigger that refuses updates": '"CREATE TRIGGER no_update BEFORE UPDATE ON movements"',
    "a line of a posting": "MovementLine(item_id=1, quantity=2)",
}


def test_nothing_but_the_ledger_writer_writes_movements_or_balances():
    found = scan_tree(SERVER)
    assert found == [], "\n".join(map(str, found))


def test_the_writer_itself_is_seen_writing_both_tables():
    """The scan reads the real files: the writer's own statements are found."""
    text = "".join((SERVER / f).read_text(encoding="utf-8") for f in WRITER_FILES)
    found = " ".join(f.what for f in scan_source(text))
    assert "movements" in found or "insert() on a ledger table" in found
    assert "balances" in found


@pytest.mark.parametrize("code", WRITES.values(), ids=WRITES.keys())
def test_a_write_planted_anywhere_else_is_reported_with_its_line(tmp_path, code):
    (tmp_path / "allocation").mkdir()
    planted = tmp_path / "allocation" / "sneaky.py"
    planted.write_text("def f(conn, db, sa, rows, q, i):\n" + indent(code, "    ") + "\n")
    found = scan_tree(tmp_path)
    assert found, code
    assert {(f.path, f.line) for f in found} <= {
        (str(Path("allocation") / "sneaky.py"), n) for n in (2, 3, 4)
    }


def test_the_same_write_in_the_writer_is_allowed(tmp_path):
    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "writer.py").write_text('SQL = "UPDATE balances SET quantity = 0"\n')
    assert scan_tree(tmp_path) == []


@pytest.mark.parametrize("code", READS.values(), ids=READS.keys())
def test_reads_and_other_tables_are_not_writes(code):
    assert scan_source(f"x = {code}\n" if "\n" not in code else code) == []
