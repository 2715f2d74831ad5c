"""Store a référentiel version in the database."""

from __future__ import annotations

from sqlalchemy import func, select

from rubrics.model import part_data

from ..extensions import db
from .models import Block, Criterion, LevelCode, ReferentialVersion


def find_version(content_hash: str) -> ReferentialVersion | None:
    return db.session.scalar(
        select(ReferentialVersion).where(ReferentialVersion.content_hash == content_hash)
    )


def latest_version(*options) -> ReferentialVersion | None:
    """The most recent version; ``options`` (loader options) say what to load with it."""
    return db.session.scalar(
        select(ReferentialVersion).options(*options)
        .order_by(ReferentialVersion.number.desc()).limit(1)
    )


def store(referential) -> tuple[ReferentialVersion, bool]:
    """Store ``referential`` (a ``rubrics.model.Referential``) unless its content is known.

    Returns the version and whether it was created. Changed content gets number n+1.
    """
    content_hash = referential.content_hash()
    existing = find_version(content_hash)
    if existing is not None:
        return existing, False
    number = (db.session.scalar(select(func.max(ReferentialVersion.number))) or 0) + 1
    version = ReferentialVersion(
        number=number,
        title=referential.title,
        rncp_code=referential.rncp_code,
        content_hash=content_hash,
        data=referential.to_data(),
        gaps=list(referential.gaps),
    )
    for b in referential.blocks:
        block = Block(
            number=b.number,
            code=b.code,
            title=b.title,
            modality_kind=b.modality.kind,
            modality_description=b.modality.description,
            deliverables=list(b.modality.deliverables),
            parts=[part_data(p) for p in b.modality.parts],
            rule={"type": b.rule.type, "params": b.rule.params_dict()},
        )
        competences = {c.code: c.text for c in b.competences}
        for position, c in enumerate(b.criteria, start=1):
            block.criteria.append(Criterion(
                position=position,
                code=c.code,
                competence_code=c.competence,
                competence_text=competences[c.competence],
                text=c.text,
                missing_text=c.missing_text,
            ))
        version.blocks.append(block)
    db.session.add(version)
    known = set(db.session.scalars(select(LevelCode.code)))
    db.session.add_all(LevelCode(code=level.code) for level in referential.scale.levels
                       if level.code not in known)
    db.session.flush()
    return version, True
