"""Translated labels for the default scale: the référentiel stores French labels as data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DEFAULT_LEVEL_LABELS = {
    "non_acquis": ("non acquis", _l("non acquis")),
    "partiellement_acquis": ("partiellement acquis", _l("partiellement acquis")),
    "acquis": ("acquis", _l("acquis")),
}


def level_label(code: str, data_label: str):
    """The default level's translated label; a label the référentiel changed is shown as is."""
    default = DEFAULT_LEVEL_LABELS.get(code)
    if default and default[0] == data_label:
        return default[1]
    return data_label
