"""Printable sheet → PDF with a headless Chromium (the browser's own print engine; the answer key keeps its
page break).  Looks for ``chromium``, ``chromium-browser`` or ``google-chrome`` on the PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ...io.atomic_writes import write_bytes

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]


def html_to_pdf(html, path):
    """Write ``html`` (a string) as a PDF to ``path`` (atomically)."""
    browser = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if browser is None:
        raise ValueError("a PDF needs Chromium (apt-get install chromium); or write --format print and use your "
                         "browser's Print → Save as PDF")
    with tempfile.TemporaryDirectory(prefix="deltaprop-pdf-") as tmp:
        page, out = os.path.join(tmp, "sheet.html"), os.path.join(tmp, "sheet.pdf")
        with open(page, "w", encoding="utf-8") as handle:
            handle.write(html)
        done = subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}",
                               f"file://{page}"], capture_output=True, text=True, timeout=120)
        if done.returncode != 0 or not os.path.exists(out):
            raise ValueError(f"Chromium could not print the sheet to PDF (exit {done.returncode})")
        with open(out, "rb") as handle:
            write_bytes(path, handle.read())
