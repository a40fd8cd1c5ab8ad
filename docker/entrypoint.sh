#!/bin/sh
# Migrate, then serve with gunicorn. DATABASE_URL and SECRET_KEY come from the environment;
# the app refuses to start without a strong SECRET_KEY outside demo/test mode.
set -e
scanfloor db upgrade
# Sync workers (PERFORMANCE.md: threaded workers contend for SQLite's write lock). For
# Socket.IO at scale, set SOCKETIO_MESSAGE_QUEUE=redis://... and run a socket process too.
# The gunicorn_hooks settings start one outbox dispatcher thread in each worker (webhooks and
# their retries; SCANFLOOR_OUTBOX_THREAD=false turns it off when `scanfloor outbox run`
# delivers from a container of its own).
exec gunicorn --bind "0.0.0.0:${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}" \
  --config python:scanfloor.outbox.gunicorn_hooks \
  --access-logfile - "scanfloor:create_app()"
