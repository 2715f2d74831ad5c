"""The forms inviting a juror and composing a jury."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..accounts.forms import INVALID_EMAIL
from ..core.forms import EmailAddress, Form, MultiCheckboxField
from ..referential.models import ReferentialVersion
from ..referential.operations import latest_version


class InviteJurorForm(Form):
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=120)])
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Adresse e-mail"),
                        validators=[DataRequired(), EmailAddress(INVALID_EMAIL),
                                    Length(max=254)])
    organisation = StringField(_l("Entreprise"), validators=[Optional(), Length(max=200)])
    profession = StringField(_l("Poste"), validators=[Optional(), Length(max=200)])
    # The jury composition rules read these (workflows.jury_rules); the juror may correct
    # them later on their own profile page.
    is_professional = BooleanField(_l("Professionnel(le) des métiers visés"))
    works_for_certifier = BooleanField(_l("Travaille pour le certificateur"))
    blocks = MultiCheckboxField(_l("Blocs que le membre du jury peut évaluer"), coerce=int)
    # Shown to the certifier's admins only: their jurors may serve every centre.
    open_to_all_centres = BooleanField(_l("Ouvert à tous les centres de formation"),
                                       default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = latest_version(selectinload(ReferentialVersion.blocks))
        self.blocks.choices = [SelectChoice(b.number, _("Bloc %(n)d — %(title)s", n=b.number,
                                                        title=b.title))
                               for b in (version.blocks if version else ())]


JURY_ROLES = (SelectChoice("", _l("— pas au jury")), SelectChoice("member", _l("Membre")),
              SelectChoice("president", _l("Président(e)")))


class JuryForm(Form):
    """One select per juror of the session's pool (fields added per page), and the jury's
    version the page was loaded with (a stale save is a 409 showing the jury as it is)."""

    version = HiddenField()
    jurors: list = []

    def roles(self) -> dict[int, str]:
        return {j.id: self[f"j{j.id}"].data for j in self.jurors if self[f"j{j.id}"].data}

    def loaded_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


def jury_form(jury, jurors, posted: bool = False, **kwargs) -> JuryForm:
    """``jurors``: the session's pool, plus the current members who left it (so that they
    can be taken off). ``posted``: the roles come from the request only."""
    current = {m.user_id: str(m.role) for m in (jury.members if jury else ())}
    listed = list(jurors) + [m.user for m in (jury.members if jury else ())
                             if m.user_id not in {j.id for j in jurors}]
    fields = {f"j{j.id}": SelectField(j.full_name, choices=list(JURY_ROLES), default="")
              for j in listed}
    form_class = type("SessionJuryForm", (JuryForm,), fields)
    data = {"version": str(jury.version) if jury else ""}
    if not posted:
        data |= {f"j{j.id}": current.get(j.id, "") for j in listed}
    form = form_class(data=data, **kwargs)
    form.jurors = listed
    return form


class ForceJuryForm(Form):
    reason = TextAreaField(_l("Motif (figurera au procès-verbal)"), validators=[
        InputRequired(_l("Indiquez pourquoi le jury siège malgré les règles.")),
        Length(max=2000, message=_l("2 000 caractères au plus."))])
