"""REST entrypoints: blueprints, schemas, the error handler and request idempotency."""
