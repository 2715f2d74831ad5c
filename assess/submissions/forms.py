from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from ..core.forms import Form


class UploadForm(Form):
    """One per épreuve on the candidate's page. The file checks (PDF, size, not empty)
    are in ``operations.upload``, which reads the bytes."""

    file = FileField(
        _l("Fichier PDF"),
        validators=[FileRequired(_l("Choisissez un fichier PDF à déposer."))],
        render_kw={"accept": "application/pdf,.pdf"},
    )
    submit = SubmitField(_l("Déposer"))


def upload_form(exam_id: int, **kwargs) -> UploadForm:
    """Unique field ids per épreuve, so that labels and errors point at the right input."""
    form = UploadForm(**kwargs)
    form.file.id = f"file-{exam_id}"
    form.submit.id = f"submit-{exam_id}"
    return form
