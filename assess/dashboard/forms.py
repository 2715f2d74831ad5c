"""The candidate list's search and filters (a GET form: bookmarkable, no CSRF needed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional

from ..candidates.labels import ACCESS_ROUTE
from ..candidates.models import AccessRoute
from ..core.forms import Form
from .labels import STATUS_FILTERS
from .queries import Filters


class FilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Rechercher (nom, prénom, e-mail)"), validators=[Length(max=100)])
    bloc = SelectField(_l("Bloc"), validators=[Optional()], default="")
    status = SelectField(_l("Situation"), default="", choices=[
        SelectChoice("", _l("Toutes")),
        *[SelectChoice(key, text) for key, text in STATUS_FILTERS.items()]])
    access_route = SelectField(_l("Voie d'accès"), default="", choices=[
        SelectChoice("", _l("Toutes")),
        *[SelectChoice(r.value, ACCESS_ROUTE[r]) for r in AccessRoute]])
    accommodation = SelectField(_l("Aménagement"), default="", choices=[
        SelectChoice("", _l("Indifférent")), SelectChoice("oui", _l("Demandé")),
        SelectChoice("non", _l("Aucun"))])

    def filters(self, page: int) -> Filters:
        valid = self.validate()
        bloc = self.bloc.data if valid and (self.bloc.data or "").isdigit() else None
        return Filters(q=(self.q.data or "").strip() if valid else "",
                       bloc=int(bloc) if bloc else None,
                       status=self.status.data if valid else "",
                       access_route=self.access_route.data if valid else "",
                       accommodation=self.accommodation.data if valid else "",
                       page=max(page, 1))


def filter_form(formdata, block_numbers: list[int]) -> FilterForm:
    form = FilterForm(formdata=formdata)
    form.bloc.choices = [SelectChoice("", _l("Tous")),
                         *[SelectChoice(str(n), _l("Bloc %(n)s", n=n)) for n in block_numbers]]
    return form
