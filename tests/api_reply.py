"""A JSON POST through the Flask test client, and its answer: the status and the body, with
the error code when the API refused it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]

    @property
    def code(self) -> str | None:
        return (self.body.get("error") or {}).get("code")


def post(client: Any, url: str, headers: dict[str, str], body: dict[str, Any]) -> Reply:
    r = client.post(url, json=body, headers=headers)
    return Reply(r.status_code, r.get_json() or {})
