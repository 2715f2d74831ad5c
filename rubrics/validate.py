"""Check référentiel data and build the model from it.

One validator serves both inputs: the TOML data file (through
`rubrics.loader`, with a LineIndex so refusals name the line) and the plain
dict stored in the database (`Referential.from_data`, no lines). It refuses
inconsistent data with a French message naming the file, the line, the bloc
and the code; a criterion without text is not an error but a gap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn

from .locate import LineIndex, Path
from .model import (
    FILE,
    URL,
    Activity,
    Block,
    Competence,
    Criterion,
    Deliverable,
    Level,
    Modality,
    ModalityPart,
    Referential,
    Rule,
    Scale,
)
from .scoring import RuleError, check_rule

# Each modality kind and the parts (épreuve parts) it is made of, in order.
MODALITY_KINDS: dict[str, tuple[str, ...]] = {
    "written_case_study": ("written",),
    "practical_case_study": ("practical",),
    "dossier_and_oral": ("dossier", "oral"),
}
PART_KINDS = frozenset(kind for parts in MODALITY_KINDS.values() for kind in parts)
# The file types a deliverable may accept (the platform checks each by its bytes).
FILE_TYPES = frozenset({"pdf", "pptx", "odp"})
DELIVERABLE_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
DEFAULT_RULE = Rule("all_acquired")

_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")
_LEVEL_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_RNCP = re.compile(r"^RNCP\d+$")


class ReferentialError(ValueError):
    """Inconsistent référentiel data. The message names where; so do the attributes."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        block: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.source, self.line, self.block, self.code = source, line, block, code


def gap_message(code: str) -> str:
    return (
        f"{code} : libellé du critère à compléter par le certificateur "
        "(le référentiel source n'en donne pas)"
    )


class _Validator:
    def __init__(self, source: str, index: LineIndex | None) -> None:
        self.source = source
        self.index = index
        self.seen: dict[str, int] = {}  # code -> bloc, for duplicates anywhere
        self.gaps: list[str] = []

    # -- reporting and basic shapes ---------------------------------------
    def fail(
        self, path: Path, detail: str, *, block: int | None = None, code: str | None = None
    ) -> NoReturn:
        line = self.index.line(path) if self.index else None
        where = self.source if line is None else f"{self.source}, ligne {line}"
        context = ", ".join(
            part for part in (None if block is None else f"bloc {block}", code) if part
        )
        message = f"{where} ({context}) : {detail}" if context else f"{where} : {detail}"
        raise ReferentialError(message, source=self.source, line=line, block=block, code=code)

    def table(
        self,
        value: Any,
        path: Path,
        what: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        *,
        block: int | None = None,
        extra_ok: bool = False,
    ) -> Mapping[str, Any]:
        code = value.get("code") if isinstance(value, Mapping) else None
        code = code if isinstance(code, str) else None
        if not isinstance(value, Mapping):
            self.fail(path, f"{what} : une table est attendue", block=block)
        if not extra_ok:
            for key in value:
                if key not in required and key not in optional:
                    self.fail(
                        path + (key,), f"{what} : clé inconnue « {key} »", block=block, code=code
                    )
        for key in required:
            if key not in value:
                # An entry is best found by its code line, when it has one.
                where = path + ("code",) if code else path
                self.fail(
                    where, f"{what} : clé obligatoire manquante « {key} »", block=block, code=code
                )
        return value

    def items(self, value: Any, path: Path, what: str, *, block: int | None = None) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, f"{what} : une liste est attendue", block=block)
        return value

    def text(
        self,
        value: Any,
        path: Path,
        what: str,
        *,
        block: int | None = None,
        code: str | None = None,
    ) -> str:
        if not isinstance(value, str):
            self.fail(
                path, f"{what} : une chaîne de caractères est attendue", block=block, code=code
            )
        if not value.strip():
            self.fail(path, f"{what} : texte vide", block=block, code=code)
        if value != " ".join(value.split()):
            self.fail(
                path, f"{what} : espaces superflus (texte non normalisé)", block=block, code=code
            )
        if _TAG.search(value):
            self.fail(path, f"{what} : balise HTML dans le texte", block=block, code=code)
        return value

    def code(self, value: Any, path: Path, what: str, prefix: str, block: int) -> str:
        if not isinstance(value, str) or not re.fullmatch(rf"{prefix}\d+(\.\d+)+", value):
            self.fail(path, f"{what} : code invalide {value!r} (forme {prefix}1.2)", block=block)
        if value[len(prefix) :].split(".")[0] != str(block):
            self.fail(
                path,
                f"{what} : le code {value} n'appartient pas au bloc {block}",
                block=block,
                code=value,
            )
        if value in self.seen:
            self.fail(
                path,
                f"{what} : code en double {value} (déjà défini dans le bloc {self.seen[value]})",
                block=block,
                code=value,
            )
        self.seen[value] = block
        return value

    # -- the référentiel ----------------------------------------------------
    def referential(self, raw: Any) -> Referential:
        raw = self.table(raw, (), "référentiel", ("title", "scale", "blocks"), ("rncp_code",))
        title = self.text(raw["title"], ("title",), "titre")
        # Absent or "" until the certifier enters it: the source gives none.
        rncp_code = None if raw.get("rncp_code") == "" else raw.get("rncp_code")
        if rncp_code is not None and (not isinstance(rncp_code, str) or not _RNCP.match(rncp_code)):
            self.fail(("rncp_code",), f"code RNCP invalide {rncp_code!r} (forme RNCP12345)")
        scale = self.scale(raw["scale"])
        raw_blocks = self.items(raw["blocks"], ("blocks",), "blocs")
        if not raw_blocks:
            self.fail(("blocks",), "le référentiel ne compte aucun bloc")
        numbers: set[int] = set()
        blocks = []
        for i, raw_block in enumerate(raw_blocks):
            path = ("blocks", i)
            raw_block = self.table(
                raw_block,
                path,
                "bloc",
                ("number", "code", "title", "modality"),
                ("activities", "competences", "criteria", "rule"),
                block=i + 1,
            )
            number = raw_block["number"]
            if isinstance(number, bool) or not isinstance(number, int):
                self.fail(path + ("number",), f"numéro de bloc invalide {number!r}", block=i + 1)
            if number in numbers:
                self.fail(path + ("number",), f"numéro de bloc en double : {number}", block=number)
            if number != i + 1:
                self.fail(
                    path + ("number",),
                    f"les blocs doivent être numérotés 1 à n dans l'ordre : {i + 1} attendu, "
                    f"{number} trouvé",
                    block=number,
                )
            numbers.add(number)
            blocks.append(self.block(raw_block, path, number))
        return Referential(title, rncp_code, scale, tuple(blocks), tuple(self.gaps))

    def scale(self, raw: Any) -> Scale:
        raw = self.table(raw, ("scale",), "échelle", ("levels",))
        raw_levels = self.items(raw["levels"], ("scale", "levels"), "échelle")
        if len(raw_levels) < 2:
            self.fail(("scale", "levels"), "l'échelle doit compter au moins deux niveaux")
        levels: list[Level] = []
        for i, raw_level in enumerate(raw_levels):
            path = ("scale", "levels", i)
            raw_level = self.table(raw_level, path, f"niveau n°{i + 1}", ("code", "label"))
            code = raw_level["code"]
            if not isinstance(code, str) or not _LEVEL_CODE.match(code):
                self.fail(path + ("code",), f"code de niveau invalide {code!r} (forme non_acquis)")
            if code in (level.code for level in levels):
                self.fail(path + ("code",), "niveau en double dans l'échelle", code=code)
            label = self.text(raw_level["label"], path + ("label",), "libellé du niveau", code=code)
            levels.append(Level(code, label))
        return Scale(tuple(levels))

    # -- one bloc -------------------------------------------------------------
    def block(self, raw: Mapping[str, Any], path: Path, number: int) -> Block:
        code = raw["code"]
        if code != f"A{number}":
            self.fail(path + ("code",), f"code de bloc {code!r} : A{number} attendu", block=number)
        title = self.text(raw["title"], path + ("title",), "intitulé du bloc", block=number)
        activities = tuple(
            self.activity(item, path + ("activities", i), number)
            for i, item in enumerate(
                self.items(
                    raw.get("activities", []), path + ("activities",), "activités", block=number
                )
            )
        )
        competences = tuple(
            self.competence(item, path + ("competences", i), number)
            for i, item in enumerate(
                self.items(
                    raw.get("competences", []), path + ("competences",), "compétences", block=number
                )
            )
        )
        if not competences:
            self.fail(path + ("competences",), "bloc sans compétence", block=number)
        known = {c.code for c in competences}
        raw_criteria = self.items(
            raw.get("criteria", []), path + ("criteria",), "critères", block=number
        )
        if not raw_criteria:
            self.fail(path + ("criteria",), "bloc vide : aucun critère d'évaluation", block=number)
        criteria = tuple(
            self.criterion(item, path + ("criteria", i), number, known)
            for i, item in enumerate(raw_criteria)
        )
        checked = {c.competence for c in criteria}
        for i, competence in enumerate(competences):
            if competence.code not in checked:
                self.fail(
                    path + ("competences", i, "code"),
                    "compétence évaluée par aucun critère",
                    block=number,
                    code=competence.code,
                )
        modality = self.modality(raw["modality"], path + ("modality",), number)
        rule = self.rule(raw.get("rule"), path + ("rule",), number, [c.code for c in criteria])
        return Block(number, code, title, activities, competences, criteria, modality, rule)

    def activity(self, raw: Any, path: Path, number: int) -> Activity:
        raw = self.table(raw, path, "activité", ("code", "title"), block=number)
        code = self.code(raw["code"], path + ("code",), "activité", "A", number)
        title = self.text(
            raw["title"], path + ("title",), "intitulé de l'activité", block=number, code=code
        )
        return Activity(code, title)

    def competence(self, raw: Any, path: Path, number: int) -> Competence:
        raw = self.table(raw, path, "compétence", ("code", "text"), block=number)
        code = self.code(raw["code"], path + ("code",), "compétence", "C", number)
        text = self.text(
            raw["text"], path + ("text",), "énoncé de la compétence", block=number, code=code
        )
        return Competence(code, text)

    def criterion(self, raw: Any, path: Path, number: int, known: set[str]) -> Criterion:
        raw = self.table(raw, path, "critère", ("code", "competence"), ("text",), block=number)
        code = self.code(raw["code"], path + ("code",), "critère", "CR", number)
        competence = raw["competence"]
        if not isinstance(competence, str) or competence not in known:
            self.fail(
                path + ("competence",),
                f"la compétence {competence!r} citée par le critère n'existe pas dans le bloc",
                block=number,
                code=code,
            )
        if code[2:] != competence[1:]:
            self.fail(
                path + ("competence",),
                f"le critère {code} doit évaluer la compétence C{code[2:]}, pas {competence}",
                block=number,
                code=code,
            )
        if "text" not in raw:  # a gap, not an error: reported, never invented
            self.gaps.append(gap_message(code))
            return Criterion(code, competence, None, True)
        text = self.text(
            raw["text"], path + ("text",), "libellé du critère", block=number, code=code
        )
        return Criterion(code, competence, text, False)

    def modality(self, raw: Any, path: Path, number: int) -> Modality:
        raw = self.table(raw, path, "modalité", ("kind", "parts"), block=number)
        kind = raw["kind"]
        if not isinstance(kind, str) or kind not in MODALITY_KINDS:
            known = ", ".join(MODALITY_KINDS)
            self.fail(
                path + ("kind",),
                f"type de modalité inconnu {kind!r} (connus : {known})",
                block=number,
            )
        parts = []
        for i, item in enumerate(
            self.items(raw["parts"], path + ("parts",), "parties", block=number)
        ):
            parts.append(self.part(item, path + ("parts", i), i, number))
        expected = MODALITY_KINDS[kind]
        if tuple(p.kind for p in parts) != expected:
            self.fail(
                path + ("parts",),
                f"une modalité {kind} se compose des parties : {', '.join(expected)}",
                block=number,
            )
        if not any(p.items for p in parts):
            self.fail(path + ("parts",), "modalité sans liste de ce qui est demandé",
                      block=number)
        codes = [d.code for p in parts for d in p.deliverables]
        if len(set(codes)) != len(codes):
            self.fail(path + ("parts",), "deux livrables ont le même code", block=number)
        return Modality(kind, tuple(parts))

    def part(self, item: Any, part_path: Path, i: int, number: int) -> ModalityPart:
        item = self.table(item, part_path, f"partie n°{i + 1}", ("kind", "description"),
                          ("items", "deliverables"), block=number)
        if not isinstance(item["kind"], str) or item["kind"] not in PART_KINDS:
            known = ", ".join(sorted(PART_KINDS))
            self.fail(
                part_path + ("kind",),
                f"type de partie inconnu {item['kind']!r} (connus : {known})",
                block=number,
            )
        text = self.text(item["description"], part_path + ("description",),
                         "description de la partie", block=number)
        items = tuple(
            self.text(x, part_path + ("items", j), f"élément n°{j + 1}", block=number)
            for j, x in enumerate(self.items(item.get("items", []), part_path + ("items",),
                                             "éléments", block=number)))
        deliverables = tuple(
            self.deliverable(d, part_path + ("deliverables", j), j, number)
            for j, d in enumerate(self.items(item.get("deliverables", []),
                                             part_path + ("deliverables",), "livrables",
                                             block=number)))
        return ModalityPart(item["kind"], text, items, deliverables)

    def deliverable(self, raw: Any, path: Path, j: int, number: int) -> Deliverable:
        raw = self.table(raw, path, f"livrable n°{j + 1}", ("code", "name"),
                         ("kind", "accepts", "required"), block=number)
        code = raw["code"]
        if not isinstance(code, str) or not DELIVERABLE_CODE.fullmatch(code):
            self.fail(path + ("code",), "code de livrable : lettres minuscules, chiffres et _",
                      block=number)
        name = self.text(raw["name"], path + ("name",), "nom du livrable", block=number)
        kind = raw.get("kind", FILE)
        if kind not in (FILE, URL):
            self.fail(path + ("kind",), f"type de livrable inconnu {kind!r} (file ou url)",
                      block=number)
        accepts = tuple(self.items(raw.get("accepts", ["pdf"] if kind == FILE else []),
                                   path + ("accepts",), "types acceptés", block=number))
        unknown = [a for a in accepts if a not in FILE_TYPES]
        if unknown or (kind == FILE and not accepts):
            self.fail(path + ("accepts",), "types acceptés : parmi "
                      + ", ".join(sorted(FILE_TYPES)), block=number)
        required = raw.get("required", True)
        if not isinstance(required, bool):
            self.fail(path + ("required",), "required : true ou false", block=number)
        return Deliverable(code, name, kind, accepts, required)

    def rule(self, raw: Any, path: Path, number: int, codes: list[str]) -> Rule:
        if raw is None:
            return DEFAULT_RULE
        raw = self.table(raw, path, "règle de validation", ("type",), block=number, extra_ok=True)
        if not isinstance(raw["type"], str):
            self.fail(path + ("type",), "règle de validation : type invalide", block=number)
        rule = Rule(raw["type"], {k: v for k, v in raw.items() if k != "type"})
        try:
            check_rule(rule, codes)
        except RuleError as error:
            where = path + ((error.param,) if error.param else ("type",))
            self.fail(where, f"règle de validation : {error}", block=number, code=rule.type)
        return rule


def build(raw: Any, source: str, text: str | None = None) -> Referential:
    """Validate the TOML-shaped dict `raw` (parsed from `text`) and build it."""
    index = LineIndex(text) if text is not None else None
    return _Validator(source, index).referential(raw)
