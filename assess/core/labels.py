"""Looking a label up in one of the features' ``labels.py`` tables."""

from __future__ import annotations


def label(table: dict, value) -> str:
    """The label of ``value`` (an enum member or its string), or the value itself."""
    for key, text in table.items():
        if key == value or (key is not None and str(key) == str(value)):
            return str(text)
    return "" if value is None else str(value)
