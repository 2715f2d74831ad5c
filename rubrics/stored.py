"""The stored (database) form of a référentiel back to a `Referential`.

`Referential.to_data()` writes criteria with `text: null` + `missing_text`
and rules as `{type, params}`; here that dict is turned back into the shape
of the TOML file and goes through the very same validator as the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Referential
from .validate import ReferentialError, build

_DATA = "<données du référentiel>"


def build_from_data(data: Mapping[str, Any]) -> Referential:
    """Inverse of Referential.to_data: back to the TOML shape, then validate."""
    if not isinstance(data, Mapping):
        raise ReferentialError(f"{_DATA} : une table est attendue", source=_DATA)
    raw = {k: v for k, v in data.items() if k != "gaps"}  # gaps are recomputed
    if raw.get("rncp_code") is None:
        raw.pop("rncp_code", None)
    if isinstance(raw.get("blocks"), list):
        raw["blocks"] = [_block_from_data(b) for b in raw["blocks"]]
    return build(raw, _DATA)


def _block_from_data(block: Any) -> Any:
    if not isinstance(block, Mapping):
        return block
    block = dict(block)
    if isinstance(block.get("criteria"), list):
        criteria = []
        for item in block["criteria"]:
            if isinstance(item, Mapping):
                item = dict(item)
                if item.get("text") is None:
                    item.pop("text", None)
                missing = item.pop("missing_text", "text" not in item)
                if missing != ("text" not in item):
                    raise ReferentialError(
                        f"{_DATA} ({item.get('code')}) : missing_text={missing!r} "
                        "contredit la présence du libellé",
                        source=_DATA,
                        code=item.get("code"),
                    )
            criteria.append(item)
        block["criteria"] = criteria
    rule = block.get("rule")
    if isinstance(rule, Mapping) and isinstance(rule.get("params"), Mapping):
        block["rule"] = {"type": rule.get("type"), **rule["params"]}
    return block
