"""Labels of the référentiel: the parts of its modalities, and the default scale's
levels (the référentiel stores French labels as data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.labels import label
from ..sessions.models import PartKind

PART_KIND = {
    PartKind.WRITTEN: _l("Épreuve écrite"),
    PartKind.PRACTICAL: _l("Étude de cas pratique"),
    PartKind.DOSSIER: _l("Dossier"),
    PartKind.ORAL: _l("Soutenance orale"),
}


def part_label(kind) -> str:
    """The same name for a part (written, oral…) on every page."""
    return label(PART_KIND, kind)


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
