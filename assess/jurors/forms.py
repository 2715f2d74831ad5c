"""The juror profile forms (the juror's own, an admin's) and the availability form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from workflows.availability import END_BEFORE_START

from ..accounts.models import Gender
from ..core.forms import Form, MultiCheckboxField
from .operations import JurorProfile, OwnProfile

GENDER_CHOICES = [SelectChoice("", _l("Préfère ne pas répondre")),
                  SelectChoice(Gender.FEMALE.value, _l("Femme")),
                  SelectChoice(Gender.MALE.value, _l("Homme")),
                  SelectChoice(Gender.OTHER.value, _l("Autre"))]


class _JurorFields(Form):
    organisation = StringField(_l("Entreprise"), validators=[Optional(), Length(max=200)])
    profession = StringField(_l("Poste"), validators=[Optional(), Length(max=200)])
    blocks = MultiCheckboxField(_l("Blocs que le membre du jury peut évaluer"), coerce=int)
    affiliations = MultiCheckboxField(_l("Centres de formation dont le membre du jury n'est "
                                         "pas extérieur"), coerce=int)

    def offer(self, blocks, centres) -> _JurorFields:
        """The choices: the latest référentiel's blocs, the centres offered to the actor."""
        self.blocks.choices = [SelectChoice(n, _("Bloc %(n)d — %(title)s", n=n, title=t))
                               for n, t in blocks]
        self.affiliations.choices = [SelectChoice(c.id, c.name) for c in centres]
        return self

    def _common(self) -> dict:
        return {"organisation": self.organisation.data or "",
                "profession": self.profession.data or "",
                "is_professional": bool(self.is_professional.data),
                "works_for_certifier": bool(self.works_for_certifier.data),
                "blocks": frozenset(self.blocks.data or ()),
                "affiliations": frozenset(self.affiliations.data or ())}


class OwnProfileForm(_JurorFields):
    first_name = StringField(_l("Prénom"), validators=[InputRequired(_l("Indiquez votre "
                                                                        "prénom.")),
                                                       Length(max=120)])
    last_name = StringField(_l("Nom"), validators=[InputRequired(_l("Indiquez votre nom.")),
                                                   Length(max=120)])
    is_professional = BooleanField(_l("Je suis professionnel(le) des métiers visés"))
    works_for_certifier = BooleanField(_l("Je travaille pour le certificateur"))
    blocks = MultiCheckboxField(_l("Blocs que je peux évaluer"), coerce=int)
    affiliations = MultiCheckboxField(_l("Centres de formation dont je ne suis pas "
                                         "extérieur(e)"), coerce=int)
    # No Optional(): it would wipe the « not a valid choice » error of a crafted value.
    gender = RadioField(_l("Genre"), choices=GENDER_CHOICES,
                        default="")

    def profile(self) -> OwnProfile:
        gender = self.gender.data or None
        return OwnProfile(first_name=self.first_name.data or "",
                          last_name=self.last_name.data or "",
                          gender=Gender(gender) if gender else None, **self._common())


class JurorProfileForm(_JurorFields):
    is_professional = BooleanField(_l("Professionnel(le) des métiers visés"))
    works_for_certifier = BooleanField(_l("Travaille pour le certificateur"))

    def profile(self) -> JurorProfile:
        return JurorProfile(**self._common())


class AvailabilityForm(Form):
    starts_on = DateField(_l("Disponible du"),
                          validators=[InputRequired(_l("Indiquez le premier jour."))])
    ends_on = DateField(_l("au (inclus)"),
                        validators=[InputRequired(_l("Indiquez le dernier jour."))])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_(END_BEFORE_START))
