"""A stored bloc's modality as the pages show it: each part's text with its list, and what
is handed in for it. Versions stored before the parts carried their list and
deliverables are read too: their list goes with the first part, and a single PDF
« Document » stands for the deliverables the data did not name yet."""

from __future__ import annotations

from rubrics.model import FILE, Deliverable, ModalityPart

LEGACY_DOCUMENT = Deliverable("document", "Document", FILE, ("pdf",), True)
NOTHING_HANDED_IN = frozenset({"oral"})


def parts_of(block) -> tuple[ModalityPart, ...]:
    raw = block.parts or []
    legacy = not any("items" in p for p in raw)
    parts = []
    for i, p in enumerate(raw):
        items = tuple(block.deliverables or ()) if legacy and i == 0 else tuple(
            p.get("items", ()))
        deliverables = tuple(
            Deliverable(d["code"], d["name"], d.get("kind", FILE), tuple(d.get("accepts", ())),
                        bool(d.get("required", True))) for d in p.get("deliverables", ()))
        parts.append(ModalityPart(p["kind"], p["description"], items, deliverables))
    if legacy and parts:
        first = next((k for k, p in enumerate(parts) if p.kind not in NOTHING_HANDED_IN), 0)
        part = parts[first]
        parts[first] = ModalityPart(part.kind, part.description, part.items,
                                    (LEGACY_DOCUMENT,))
    return tuple(parts)


def hand_ins_of(block) -> tuple[Deliverable, ...]:
    """What the candidate hands in for the bloc's épreuve, in the référentiel's order."""
    return tuple(d for part in parts_of(block) for d in part.deliverables)
