"""One command path: every state-changing operation runs through `Command.run`.

It owns the idempotency store (caller + key -> fingerprint and answer), the replay, the 409 on
a different body, the race retry, and the one write transaction the operation runs in. A
workflow declares its command (name, fingerprint, execute, present) and gets all of that
without copying any of it. See docs/decisions/0008-one-command-path.md.
"""

from .runner import Command, caller_of, current_command, posting_key, was_replayed

__all__ = ["Command", "caller_of", "current_command", "posting_key", "was_replayed"]
