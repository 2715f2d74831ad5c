"""Read the référentiel data file (TOML) into a validated `Referential`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .model import Referential
from .validate import ReferentialError, build

__all__ = ["DEFAULT_PATH", "ReferentialError", "load", "loads"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "referentiel.toml"

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load(path: str | Path | None = None) -> Referential:
    """Load and validate a référentiel file (default: the packaged one)."""
    path = DEFAULT_PATH if path is None else Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReferentialError(
            f"{path} : le fichier n'est pas en UTF-8 ({error})", source=str(path)
        ) from None
    return loads(text, str(path))


def loads(text: str, source_name: str = "<référentiel>") -> Referential:
    """Parse and validate référentiel TOML text; source_name appears in errors."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, text, source_name) from None
    return build(raw, source_name, text)


def _syntax_error(error: tomllib.TOMLDecodeError, text: str, source_name: str) -> ReferentialError:
    detail = str(error)
    match = _POSITION.search(detail)
    if match:
        line = int(match.group(1))
        where = f"ligne {line}, colonne {match.group(2)}"
    else:  # "(at end of document)"
        line = max(1, len(text.splitlines()))
        where = f"ligne {line}"
    reason = _POSITION.sub("", detail).replace("(at end of document)", "").strip()
    return ReferentialError(
        f"{source_name}, {where} : erreur de syntaxe TOML : {reason}",
        source=source_name,
        line=line,
    )
