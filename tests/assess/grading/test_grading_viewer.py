"""The candidate's PDF beside the grid: pdf.js served by the app (no CDN), fed by the
juror's download route, with the plain link kept for when it cannot draw."""

from __future__ import annotations

from pathlib import Path

from tests.assess.grading.grading_helpers import bloc_assignment, html_of, sheet_url

VENDOR = Path(__file__).resolve().parents[3] / "assess/static/vendor/pdfjs"


def test_the_pdf_opens_beside_the_grid_with_the_link_kept(client, as_user, grading_world,
                                                          hand_in):
    a = bloc_assignment(grading_world, 3)
    stored = hand_in(grading_world, a)
    as_user(grading_world.jurors[0])
    html = html_of(client.get(sheet_url(a)))
    assert 'class="grading-layout with-viewer"' in html
    viewer = html[html.index('<aside class="grading-viewer"'):html.index("</aside>")]
    assert f'data-pdf-url="/fichiers/{stored.id}"' in viewer
    assert 'data-pdf-lib="/static/vendor/pdfjs/pdf.min.mjs"' in viewer
    assert 'data-pdf-worker="/static/vendor/pdfjs/pdf.worker.min.mjs"' in viewer
    assert f'<a href="/fichiers/{stored.id}" download>' in viewer  # without pdf.js
    assert '<script type="module" src="/static/js/grading-pdf.js"></script>' in html
    assert "https://" not in viewer and "cdn" not in html.lower()
    with client.get(f"/fichiers/{stored.id}") as download:  # what the viewer fetches
        assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_no_viewer_without_a_pdf(client, as_user, grading_world):
    a = bloc_assignment(grading_world, 1)
    as_user(grading_world.jurors[0])
    html = html_of(client.get(sheet_url(a)))
    assert "grading-viewer" not in html and "grading-pdf.js" not in html
    assert 'class="grading-layout"' in html


def test_pdfjs_is_vendored_and_served_as_javascript(client):
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs", "LICENSE", "VERSION"):
        assert (VENDOR / name).is_file(), name
    assert (VENDOR / "VERSION").read_text().startswith("4.")
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    for name in ("vendor/pdfjs/pdf.min.mjs", "vendor/pdfjs/pdf.worker.min.mjs",
                 "js/grading-pdf.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        response.close()


def test_the_layout_stacks_on_a_narrow_screen(client):
    response = client.get("/static/css/grading.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "grid-template-columns: minmax(0, 1fr) minmax(0, 1fr)" in css
    assert "@media (max-width: 60rem)" in css
    assert "overflow-y: auto" in css
