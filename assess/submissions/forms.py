"""The candidate's hand-in forms: one per deliverable (a file, or the URL of published
content). The file checks (type by the bytes, size, not empty) are in
``operations.upload``, which reads the bytes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from ..core.forms import Form, MultiCheckboxField
from .filetypes import accept_attribute


class UploadForm(Form):
    file = FileField(
        _l("Fichier"),
        validators=[FileRequired(_l("Choisissez le fichier à déposer."))],
        render_kw={"accept": "application/pdf,.pdf"},
    )
    submit = SubmitField(_l("Déposer"))


class LinkForm(Form):
    url = StringField(_l("Adresse (URL) de la page publiée"), validators=[
        InputRequired(_l("Indiquez l'adresse de la page publiée.")), Length(max=2000)],
        render_kw={"inputmode": "url", "autocomplete": "url", "spellcheck": "false",
                   "placeholder": "https://"})
    submit = SubmitField(_l("Enregistrer l'adresse"))


def upload_form(exam_id: int, deliverable: str = "", accepts=("pdf",), **kwargs) -> UploadForm:
    """Unique field ids per épreuve and deliverable, so that labels and errors point at the
    right input; the browser offers the accepted types first."""
    form = UploadForm(**kwargs)
    suffix = f"{exam_id}-{deliverable}" if deliverable else f"{exam_id}"
    form.file.id = f"file-{suffix}"
    form.submit.id = f"submit-{suffix}"
    form.file.render_kw = {"accept": accept_attribute(accepts)}
    return form


def link_form(exam_id: int, deliverable: str, **kwargs) -> LinkForm:
    form = LinkForm(**kwargs)
    form.url.id = f"url-{exam_id}-{deliverable}"
    form.submit.id = f"submit-{exam_id}-{deliverable}"
    return form


class ExtensionForm(Form):
    """An admin grants one candidate more time for one épreuve (Paris time typed)."""

    until = DateTimeLocalField(_l("Nouvelle date limite (heure de Paris)"),
                               format="%Y-%m-%dT%H:%M",
                               validators=[InputRequired(_l("Indiquez la nouvelle date limite."))])
    reason = TextAreaField(_l("Motif"), validators=[
        InputRequired(_l("Indiquez le motif du délai (aménagement, incident…).")),
        Length(max=2000)])
    submit = SubmitField(_l("Accorder le délai"))


class ScanForm(Form):
    """An admin uploads the scan of a paper copy on the candidate's behalf."""

    deliverable = SelectField(_l("Livrable"), validators=[InputRequired()])
    file = FileField(_l("Scan de la copie"),
                     validators=[FileRequired(_l("Choisissez le fichier du scan."))])
    submit = SubmitField(_l("Déposer le scan"))


def extension_form(exam_id: int, **kwargs) -> ExtensionForm:
    form = ExtensionForm(**kwargs)
    form.until.id, form.reason.id = f"until-{exam_id}", f"reason-{exam_id}"
    return form


def scan_form(exam_id: int, expected, **kwargs) -> ScanForm:
    form = ScanForm(**kwargs)
    form.deliverable.choices = [SelectChoice(e.code, e.name) for e in expected if not e.is_url]
    form.deliverable.id, form.file.id = f"scan-deliverable-{exam_id}", f"scan-file-{exam_id}"
    return form


def settings_form(session, offered: tuple[str, ...], labels: dict[str, str], **kwargs):
    """The session's hand-in choices; fields named per épreuve and deliverable, so the
    form is built for this session's épreuves."""
    from ..referential.modality import hand_ins_of

    attrs = {"accepts_late": BooleanField(_l(
        "Accepter les dépôts après la date limite (ils sont alors signalés en retard)")),
             "anonymous": BooleanField(_l(
        "Correction anonyme : les évaluateurs voient un numéro de candidat, jamais le nom, "
        "jusqu'à la levée de l'anonymat en délibération"))}
    for exam in session.exams:
        hand_ins = hand_ins_of(exam.block)
        if sum(1 for d in hand_ins if d.kind == "file") > 1:
            attrs[f"combined_{exam.id}"] = BooleanField(_l(
                "Un seul document réunissant tous les livrables (au lieu d'un fichier par "
                "livrable)"))
        for d in hand_ins:
            if d.kind == "file":
                attrs[f"accepts_{exam.id}_{d.code}"] = MultiCheckboxField(
                    _l("Types acceptés"), choices=[SelectChoice(t, labels[t]) for t in offered])
            attrs[f"required_{exam.id}_{d.code}"] = BooleanField(_l("Obligatoire"))
    return type("HandInSettingsForm", (Form,), attrs)(**kwargs)

