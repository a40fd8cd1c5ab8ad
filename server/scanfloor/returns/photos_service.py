"""Photos of a returned item's condition, kept with the return in the database.

A photo is taken for what its bytes are, never for what the upload declares: Pillow must
open it as a JPEG, PNG or WebP and verify it; anything else (a script named photo.jpg, a
truncated file, a decompression bomb) is refused with 415. Larger than the configured size
is a 413. The stored content type is the one the bytes proved.

The same bytes sent again for the same return and line (a retried upload) are the photo
kept the first time (created=False), not a second copy: an upload is idempotent by content.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from ..database import write_transaction
from ..errors import NotFound, PhotoTooLarge, ReturnClosed, UnsupportedPhoto
from ..extensions import db
from ..timeutil import utcnow
from .models import ReturnLine, ReturnPhoto
from .queries import photo_view, rma_row
from .receive_service import check_rights
from .rules import CANCELLED
from .views import PhotoView

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# A phone photo is at most a few tens of megapixels; more is a bomb, not a photo.
MAX_PIXELS = 80_000_000

_RL = ReturnLine.__table__
_RP = ReturnPhoto.__table__
_PHOTO = select(_RP.c.id, _RP.c.return_line_id, _RP.c.content_type, _RP.c.byte_size,
                _RP.c.created_at)  # fmt: skip


def image_type(data: bytes) -> str:
    """The content type the bytes are (image/jpeg, image/png, image/webp), or
    UnsupportedPhoto."""
    if not data:
        raise UnsupportedPhoto("the photo is empty", {"byte_size": 0})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as img:
                kind = str(img.format)
                width, height = img.size
                img.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError) as exc:  # fmt: skip
        raise UnsupportedPhoto(
            "a photo is a JPEG, PNG or WebP image", {"accepted": sorted(FORMATS.values())}
        ) from exc
    if kind not in FORMATS or width * height > MAX_PIXELS:
        raise UnsupportedPhoto(
            "a photo is a JPEG, PNG or WebP image of a sensible size",
            {"accepted": sorted(FORMATS.values()), "max_pixels": MAX_PIXELS},
        )
    return FORMATS[kind]


def add_photo(
    rma_id: int,
    data: bytes,
    *,
    max_bytes: int,
    return_line_id: int | None = None,
    actor_id: int | None = None,
) -> tuple[PhotoView, bool]:
    """Keep a photo with the return (and, if named, one of its lines); (photo, created)."""
    if len(data) > max_bytes:
        raise PhotoTooLarge(
            f"a photo is at most {max_bytes} bytes",
            {"byte_size": len(data), "max_bytes": max_bytes},
        )
    content_type = image_type(data)  # before the write lock: Pillow's work is the slow part
    check_rights(actor_id, rma_row(rma_id))
    with write_transaction():
        conn = db.session.connection()
        rma = rma_row(rma_id, lock=True)
        if rma.status == CANCELLED:
            raise ReturnClosed("this return is cancelled", {"rma_id": rma_id})
        if return_line_id is not None:
            owner = conn.execute(select(_RL.c.rma_id).where(_RL.c.id == return_line_id)).scalar()
            if owner is None or int(owner) != rma_id:
                raise NotFound("no such line on this return", {"return_line_id": return_line_id})
        digest = hashlib.sha256(data).hexdigest()
        kept = conn.execute(
            _PHOTO.where(
                _RP.c.rma_id == rma_id,
                _RP.c.sha256 == digest,
                _RP.c.byte_size == len(data),
                _RP.c.return_line_id.is_(None)
                if return_line_id is None
                else _RP.c.return_line_id == return_line_id,
            )
        ).first()
        if kept is not None:
            return photo_view(kept), False
        photo_id = conn.execute(
            _RP.insert().returning(_RP.c.id),
            {
                "rma_id": rma_id,
                "return_line_id": return_line_id,
                "content_type": content_type,
                "byte_size": len(data),
                "sha256": digest,
                "data": data,
                "uploaded_by": actor_id,
                "created_at": utcnow(),
            },
        ).scalar_one()
        row = conn.execute(_PHOTO.where(_RP.c.id == photo_id)).one()
    return photo_view(row), True
