/* The candidate's PDF beside the grading grid, drawn with pdf.js (vendored under
   static/vendor/pdfjs by scripts/vendor-pdfjs; nothing from a CDN). The file comes from
   the juror's own download route. Pages are drawn on canvases as they scroll into view.
   Any failure (old browser, unreadable file, script blocked) leaves the plain link to the
   file, which is always on the page, and says so. Fonts are drawn as paths and eval is
   off, so that the app's Content-Security-Policy needs no exception. */
const viewer = document.querySelector("[data-pdf-url]");

function pageLabel(n, total) {
  return viewer.getAttribute("data-msg-page").replace("{n}", String(n))
    .replace("{total}", String(total));
}

async function show() {
  const status = viewer.querySelector("[data-pdf-status]");
  const holder = viewer.querySelector("[data-pdf-pages]");
  status.textContent = viewer.getAttribute("data-msg-loading");
  try {
    const pdfjs = await import(viewer.getAttribute("data-pdf-lib"));
    pdfjs.GlobalWorkerOptions.workerSrc = viewer.getAttribute("data-pdf-worker");
    const doc = await pdfjs.getDocument({
      url: viewer.getAttribute("data-pdf-url"),
      withCredentials: true,
      isEvalSupported: false,
      disableFontFace: true,
      enableXfa: false,
    }).promise;
    status.textContent = "";
    const first = await doc.getPage(1);
    const base = first.getViewport({ scale: 1 });
    const slots = [];
    for (let n = 1; n <= doc.numPages; n += 1) {
      const slot = document.createElement("div");
      slot.className = "pdf-page";
      slot.dataset.page = String(n);
      // Room for the page before it is drawn, so that scrolling stays steady.
      slot.style.aspectRatio = `${base.width} / ${base.height}`;
      holder.appendChild(slot);
      slots.push(slot);
    }
    const draw = async (slot) => {
      if (slot.dataset.drawn) { return; }
      slot.dataset.drawn = "1";
      const n = Number(slot.dataset.page);
      const page = n === 1 ? first : await doc.getPage(n);
      const width = Math.max(holder.clientWidth, 200);
      const unscaled = page.getViewport({ scale: 1 });
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: (width / unscaled.width) * ratio });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", pageLabel(n, doc.numPages));
      slot.style.aspectRatio = `${unscaled.width} / ${unscaled.height}`;
      slot.appendChild(canvas);
      await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
    };
    const watcher = new IntersectionObserver((entries) => {
      entries.forEach((entry) => {
        if (entry.isIntersecting) {
          watcher.unobserve(entry.target);
          draw(entry.target).catch(() => { entry.target.dataset.failed = "1"; });
        }
      });
    }, { root: holder, rootMargin: "400px 0px" });
    slots.forEach((slot) => watcher.observe(slot));
  } catch (error) {
    holder.hidden = true;
    status.textContent = viewer.getAttribute("data-msg-failed");
    viewer.classList.add("pdf-failed");
  }
}

if (viewer) {
  show();
}
