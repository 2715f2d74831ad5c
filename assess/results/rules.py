"""Each bloc's rule in words, for the pages and documents that explain a result."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from .queries import rule_of


def rule_in_words(stored_rule: dict) -> str:
    """« tous les critères acquis », « au moins 3 critères acquis, aucun non acquis »…
    (the rule types of ``rubrics.scoring.RULES``)."""
    rule = rule_of(stored_rule)
    params = rule.params
    if rule.type == "all_acquired":
        return _("tous les critères acquis")
    if rule.type == "threshold":
        text = ngettext("au moins %(num)d critère acquis", "au moins %(num)d critères acquis",
                        params["min_acquired"])
        return text + (_(", aucun non acquis") if params.get("no_fail") else "")
    if rule.type == "mandatory":
        text = _("les critères %(codes)s acquis", codes=", ".join(params["criteria"]))
        others = params.get("min_acquired") or 0
        if others:
            text += ngettext(", et au moins %(num)d autre", ", et au moins %(num)d autres",
                             others)
        return text
    return rule.type
