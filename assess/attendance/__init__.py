"""Absence and withdrawal (désistement) of a candidate from an épreuve, with the date."""
