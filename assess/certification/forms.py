"""The certification's settings form: each field says what is expected."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp

from ..core.forms import Form
from .operations import CPF_ID_CLIENT, RNCP_CODE


def _upper(value):
    return value.upper().replace(" ", "") if isinstance(value, str) else value


class CertificationForm(Form):
    rncp_code = StringField(_l("Code RNCP"), filters=[_upper], validators=[
        Optional(), Regexp(RNCP_CODE, message=_l("Écrivez « RNCP » suivi de chiffres, par "
                                                 "exemple RNCP35123."))],
        render_kw={"placeholder": "RNCP35123", "autocomplete": "off"})
    expiry_date = DateField(_l("Date d'échéance de l'enregistrement"), validators=[Optional()])
    bloc_validity_years = IntegerField(
        _l("Durée de validité des blocs acquis (années)"), validators=[
            Optional(), NumberRange(min=1, max=99, message=_l(
                "Indiquez un nombre d'années entre 1 et 99, ou laissez vide (validité à vie)."))])
    certifier_name = StringField(_l("Nom du certificateur"),
                                 validators=[Optional(), Length(max=200)])
    cpf_id_client = StringField(_l("Identifiant client CPF (idClient)"), validators=[
        Optional(), Regexp(CPF_ID_CLIENT, message=_l(
            "Exactement 8 lettres ou chiffres, comme les donne la Caisse des Dépôts."))],
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    cpf_id_contrat = StringField(_l("Identifiant de contrat CPF (idContrat)"), validators=[
        Optional(), Length(max=20, message=_l("20 caractères au plus."))],
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    appeal_days = IntegerField(
        _l("Délai de recours après la publication (jours)"), validators=[
            Optional(), NumberRange(min=1, max=365, message=_l(
                "Indiquez un nombre de jours entre 1 et 365, ou laissez vide (pas de "
                "recours en ligne)."))])
    transcript_details = BooleanField(
        _l("Le relevé de résultats détaille les niveaux et observations par critère"))
    version = HiddenField()
