"""What one épreuve expects the candidate to hand in: the référentiel's deliverables of its
bloc, with the session's choices (accepted types, required or optional, one combined
document instead of one file each)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from rubrics.model import FILE, URL

from ..referential.modality import hand_ins_of

COMBINED = "combined"


@dataclass(frozen=True)
class Expected:
    code: str
    name: str
    kind: str  # FILE or URL
    accepts: tuple[str, ...]
    required: bool
    covers: tuple[str, ...] = ()  # a combined document: the names it holds

    @property
    def is_url(self) -> bool:
        return self.kind == URL

    @property
    def title(self) -> str:
        """The deliverable's name as people read it, in their language."""
        return _("Document unique") if self.code == COMBINED else self.name


def title_of(code: str, found: Expected | None) -> str:
    """The name of a stored deliverable ``code`` (``found``: its Expected, if still offered)."""
    if code == COMBINED:
        return _("Document unique")
    return found.name if found is not None else code


def expected(exam, settings: dict | None = None) -> tuple[Expected, ...]:
    """``settings``: {deliverable code: DeliverableSetting} of this épreuve."""
    settings = settings or {}
    items = []
    for d in hand_ins_of(exam.block):
        chosen = settings.get(d.code)
        accepts = tuple(chosen.accepts) if chosen is not None and chosen.accepts else d.accepts
        required = chosen.required if chosen is not None else d.required
        items.append(Expected(d.code, d.name, d.kind, accepts if d.kind == FILE else (),
                              required))
    files = [e for e in items if e.kind == FILE]
    if not exam.combined_hand_in or len(files) < 2:
        return tuple(items)
    combined_setting = settings.get(COMBINED)
    accepts = (tuple(combined_setting.accepts) if combined_setting and combined_setting.accepts
               else tuple(dict.fromkeys(t for e in files for t in e.accepts)))
    combined = Expected(COMBINED, "Document unique", FILE, accepts,
                        any(e.required for e in files), tuple(e.name for e in files))
    return (combined, *(e for e in items if e.kind != FILE))


def find(exam, code: str, settings: dict | None = None) -> Expected | None:
    return next((e for e in expected(exam, settings) if e.code == code), None)
