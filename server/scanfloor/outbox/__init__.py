"""One transactional outbox for every context: messages written in the caller's
transaction, delivered after commit by a dispatcher with retries (docs/decisions/0010)."""
