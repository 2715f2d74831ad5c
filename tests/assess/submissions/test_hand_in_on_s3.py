"""The hand-in flow with ``STORAGE_URL`` on S3 (moto's server, over real HTTP): uploads
of every kind, versions, downloads, the receipt PDF, the worker's PDF check, a juror's
zip; the bytes come back as handed in and the bucket holds one object per content."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from assess.submissions.models import StoredFile
from tests.assess.storage.conftest import (  # noqa: F401
    PREFIX,
    REGION,
    bucket_keys,
    moto_server,
    s3_bucket,
    s3_client,
)
from tests.assess.submissions.pdfs import readable_pdf
from tests.assess.submissions.test_deliverables import pptx_bytes


@pytest.fixture
def app_config(moto_server, s3_bucket):  # noqa: F811
    return {"STORAGE_URL": f"s3://{s3_bucket}/{PREFIX}", "S3_ENDPOINT_URL": moto_server,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION, "PDF_CHECK": True}


def test_the_whole_hand_in_flow_on_s3(world, as_user, client, post_upload, db, s3_client,  # noqa: F811
                                      s3_bucket):  # noqa: F811
    w = world(candidates=1, jurors=1, assign_all=True)
    bloc3 = w.session.exams[2]
    as_user(w.candidates[0])
    first, second, slides = readable_pdf(), readable_pdf() + b"\n% v2\n", pptx_bytes()
    assert post_upload(bloc3.id, deliverable="dossier", data=first,
                       filename="dossier.pdf").status_code == 302
    assert post_upload(bloc3.id, deliverable="dossier", data=second,
                       filename="dossier v2.pdf").status_code == 302
    assert post_upload(bloc3.id, deliverable="support_oral", data=slides,
                       filename="support.pptx").status_code == 302
    files = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).all()
    assert [f.check_status for f in files] == ["ok", "ok", None]  # checked from S3
    keys = bucket_keys(s3_client, s3_bucket)
    assert sorted(keys) == sorted(f"{PREFIX}/{f.storage_key}" for f in files)

    response = client.get(f"/fichiers/{files[1].id}")
    assert response.data == second
    response.close()
    receipt = client.get(f"/depots/{files[1].id}/accuse.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")

    as_user(w.jurors[0])
    response = client.get(f"/jury/epreuves/{bloc3.id}/copies.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.response))) as z:
        contents = sorted(z.read(n) for n in z.namelist())
    response.close()
    assert contents == sorted([second, slides])  # the current versions only
