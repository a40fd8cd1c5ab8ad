"""The e-mail a supplier without a po_endpoint gets for a PO message (po_outbox.py).

Built from the outbox payload alone (the PO as it was when sent, amended or cancelled):
subject "Purchase order <number> rev <n>", a short text body saying what happened, the PDF
attached as <number>.pdf and the CSV as <number>.csv. The Message-ID is made from the
outbox message id, so every retry of one message carries the same id and a mail system
that already took it can tell the copy apart.
"""

from __future__ import annotations

import base64
import re
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def attachment_name(number: str) -> str:
    """A file name for the PO's number: letters, digits, dot, dash and underscore."""
    return _UNSAFE_IN_NAME.sub("-", number).strip(".-") or "purchase-order"


def _body(payload: dict[str, Any]) -> str:
    po = payload["po"]
    number, revision = _one_line(po["number"]), po["revision"]
    topic = payload.get("topic", "purchase_order.sent")
    if topic == "purchase_order.cancelled":
        what = f"Purchase order {number} is cancelled."
        if po.get("cancel_reason"):
            what += f" Reason: {_one_line(po['cancel_reason'])}."
    elif topic == "purchase_order.amended":
        what = f"Purchase order {number} is amended: this is revision {revision}."
        reason = (payload.get("amendment") or {}).get("reason")
        if reason:
            what += f" Reason: {_one_line(reason)}."
    else:
        what = f"Please find attached our purchase order {number} (revision {revision})."
    lines = [
        f"Dear {_one_line(po['supplier']['name'])},",
        "",
        what,
        f"Lines: {len(po['lines'])}. Total: {po['total']} {po['currency']}.",
    ]
    if po.get("expected_date"):
        lines.append(f"Expected delivery: {po['expected_date']}.")
    if po.get("warehouse"):
        where = po["warehouse"].get("address") or [po["warehouse"]["code"]]
        lines.append(f"Deliver to: {', '.join(_one_line(w) for w in where)}.")
    name = attachment_name(str(po["number"]))
    lines += ["", f"The order is attached as {name}.pdf and, for your systems, {name}.csv.", ""]
    return "\n".join(lines)


def po_email(
    payload: dict[str, Any], *, to: str, sender: str, domain: str, delivery_id: int
) -> EmailMessage:
    """The e-mail for one PO message: to the supplier's address, from SCANFLOOR_MAIL_FROM."""
    po = payload["po"]
    name = attachment_name(str(po["number"]))
    message = EmailMessage()
    message["Subject"] = f"Purchase order {_one_line(po['number'])} rev {po['revision']}"
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<scanfloor-po-{delivery_id}@{domain}>"
    message.set_content(_body(payload))
    message.add_attachment(
        base64.b64decode(payload["pdf_base64"]),
        maintype="application",
        subtype="pdf",
        filename=f"{name}.pdf",
    )
    message.add_attachment(payload["csv"], subtype="csv", filename=f"{name}.csv")
    return message
