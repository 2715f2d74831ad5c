"""Line numbers for paths of a parsed TOML document.

tomllib returns plain dicts without positions, yet a refusal must name the
line of the offending entry. So we index the raw text ourselves: each table
header, each `key = ...` line and each element line of a multi-line array,
keyed by its path in the parsed document, e.g. ("blocks", 0, "criteria", 2,
"competence"). This covers the layout of data/referentiel.toml (headers,
one key per line); anything fancier (inline tables) falls back to the
nearest enclosing entry that has a line of its own.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- ]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=\s*(.*)$")
_ELEMENT = re.compile(r"""^\s*["'{\[0-9tf+-]""")


class LineIndex:
    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        counts: dict[Path, int] = {}  # array-of-tables path -> entries so far
        current: Path = ()
        array: Path | None = None  # open multi-line array being indexed
        array_len = 0
        in_string: str | None = None  # open multi-line string delimiter
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if line.count(in_string) % 2:
                    in_string = None
                continue
            if array is not None:
                if line.strip().startswith("]"):
                    array = None
                elif _ELEMENT.match(line):
                    self._lines.setdefault(array + (array_len,), number)
                    array_len += 1
                continue
            header = _HEADER.match(line)
            if header:
                current = self._header_path(header, counts)
                self._lines.setdefault(current, number)
                if isinstance(current[-1], int):  # the array starts at its first entry
                    self._lines.setdefault(current[:-1], number)
                continue
            key = _KEY.match(line)
            if not key:
                continue
            path = current + tuple(p.strip() for p in key.group(1).split("."))
            self._lines.setdefault(path, number)
            value = key.group(2).split("#", 1)[0].strip()
            for delimiter in ('"""', "'''"):
                if value.count(delimiter) == 1:
                    in_string = delimiter
            if value.startswith("[") and not value.endswith("]"):
                array, array_len = path, 0

    @staticmethod
    def _header_path(match: re.Match[str], counts: dict[Path, int]) -> Path:
        is_array = match.group(1) == "[["
        parts = [p.strip() for p in match.group(2).split(".")]
        path: Path = ()
        for part in parts[:-1]:
            path += (part,)
            if path in counts:  # a parent array of tables: its last entry
                path += (counts[path] - 1,)
        path += (parts[-1],)
        if is_array:
            index = counts.get(path, 0)
            counts[path] = index + 1
            path += (index,)
        return path

    def line(self, path: Path) -> int:
        """Line of `path`, else of its nearest indexed ancestor, else 1."""
        for end in range(len(path), 0, -1):
            found = self._lines.get(path[:end])
            if found is not None:
                return found
        return 1
