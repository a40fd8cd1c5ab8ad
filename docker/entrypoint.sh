#!/bin/sh
# Migrate, then serve with gunicorn. DATABASE_URL and SECRET_KEY come from the environment;
# the app refuses to start without a strong SECRET_KEY outside demo/test mode.
set -e
scanfloor db upgrade
# Sync workers (PERFORMANCE.md: threaded workers contend for SQLite's write lock). For
# Socket.IO at scale, set SOCKETIO_MESSAGE_QUEUE=redis://... and run a socket process too.
exec gunicorn --bind "0.0.0.0:${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}" \
  --access-logfile - "scanfloor:create_app()"
