"""The supervisor's live board: a read-only context that counts each warehouse's queues from
the tables of receiving, putaway, picking, packing, shipping, counting and the ledger. It
writes nothing (docs/decisions/0016)."""
