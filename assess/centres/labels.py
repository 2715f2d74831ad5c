"""Display helpers of the centre pages."""

from __future__ import annotations


def format_siret(siret: str | None) -> str:
    """« 123 456 789 00012 »: SIREN then NIC, as printed on French documents."""
    if not siret or len(siret) != 14:
        return siret or ""
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
