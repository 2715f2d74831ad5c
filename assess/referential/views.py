from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy.orm import selectinload

from ..certification.operations import current
from .labels import part_label
from .modality import parts_of
from .models import Block, ReferentialVersion
from .operations import latest_version
from .targeted_jobs import TARGETED_JOBS

bp = Blueprint("referential", __name__)


@bp.app_template_filter("part_kind")
def part_kind_label(kind) -> str:
    return part_label(kind)


@bp.app_template_filter("modality_parts")
def modality_parts(block) -> tuple:
    return parts_of(block)


@bp.get("/referentiel")
def public():
    """The certification's public page: blocs, competences, criteria, modalities, jobs."""
    version = latest_version(
        selectinload(ReferentialVersion.blocks).selectinload(Block.criteria))
    return render_template("referential/public.html", version=version, jobs=TARGETED_JOBS,
                           certification=current())
