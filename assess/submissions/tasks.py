"""The worker's side of a hand-in: the check of each PDF, once, in a child process under
resource limits; the candidate sees its outcome on their page and gets it by e-mail."""

from __future__ import annotations

import shutil
import tempfile

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import update

from ..core.columns import utcnow
from ..extensions import db
from ..notifications.attachments import renderer
from ..outbox.handlers import handler
from ..storage import get_storage
from .messages import RECEIPT_RENDERER, send_check_outcome
from .models import StoredFile
from .pdf_check import check_pdf
from .receipt_pdf import receipt_of

CHECK_TASK = "submissions.check_pdf"
PENDING, CHECKED, REFUSED = "pending", "ok", "refused"


@renderer(RECEIPT_RENDERER)
def draw_receipt(item: dict) -> bytes:
    """The accusé de dépôt attached to its e-mail, in the candidate's language."""
    stored = db.session.get(StoredFile, item["file_id"])
    user = stored.submission.enrolment.candidate.user
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return receipt_of(stored)


@handler(CHECK_TASK)
def check_uploaded_pdf(payload: dict) -> None:
    stored = db.session.get(StoredFile, payload["file_id"])
    if stored is None or stored.check_status != PENDING:
        return  # checked already: a second delivery changes nothing
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        with get_storage().open(stored.storage_key) as blob:
            shutil.copyfileobj(blob, copy, 1024 * 1024)
        copy.flush()
        result = check_pdf(copy.name, memory_mb=current_app.config["PDF_CHECK_MEMORY_MB"],
                           seconds=current_app.config["PDF_CHECK_SECONDS"])
    status = CHECKED if result.ok else REFUSED
    # Conditional: of two deliveries racing, one records the outcome and tells the candidate.
    done = db.session.execute(
        update(StoredFile).where(StoredFile.id == stored.id,
                                 StoredFile.check_status == PENDING)
        .values(check_status=status, check_detail=result.outcome, page_count=result.pages,
                checked_at=utcnow()))
    if done.rowcount:
        db.session.refresh(stored)
        send_check_outcome(stored)
    db.session.commit()
