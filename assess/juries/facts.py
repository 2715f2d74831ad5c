"""Kept for the juries and orals packages: the facts now live in ``assess.composition``."""

from ..composition.facts import affiliations, conflicted_pairs, has_conflict, links, members

__all__ = ["affiliations", "conflicted_pairs", "has_conflict", "links", "members"]
