"""Time text extraction (with pages and headings) for a 50-page document in each format.

python bench/extraction_speed.py [--pages 50]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from actionvault.content.extraction import extract_text, guess_mime_type
from samples import docx_with, pdf_with_pages

LINE = "Cardiovex lowers LDL cholesterol in adults when diet alone is not enough."


def documents(pages: int) -> dict[str, bytes]:
    import docx

    document = docx.Document()
    for page in range(pages):
        document.add_heading(f"Section {page + 1}", level=1)
        for _ in range(25):
            document.add_paragraph(LINE * 2)
    out = io.BytesIO()
    document.save(out)
    html = "".join(
        f"<h2>Section {p + 1}</h2>" + "".join(f"<p>{LINE * 2}</p>" for _ in range(25))
        for p in range(pages)
    )
    markdown = "".join(
        f"## Section {p + 1}\n\n" + "".join(f"{LINE * 2}\n\n" for _ in range(25))
        for p in range(pages)
    )
    return {
        "leaflet.pdf": pdf_with_pages(*(f"Page {p + 1}: {LINE}" for p in range(pages))),
        "leaflet.docx": out.getvalue(),
        "leaflet.html": html.encode(),
        "leaflet.md": markdown.encode(),
        "leaflet.txt": "\f".join((LINE * 2 + "\n") * 25 for _ in range(pages)).encode(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    assert docx_with  # the helper module is the tests' own sample maker
    with tempfile.TemporaryDirectory() as folder:
        for name, data in documents(args.pages).items():
            path = Path(folder) / name
            path.write_bytes(data)
            started = time.perf_counter()
            text, segments = extract_text(path, guess_mime_type(name))
            elapsed = time.perf_counter() - started
            print(
                f"{name:<14} {len(data) / 1024:8.0f} KiB  {len(text.split()):7d} words  "
                f"{len(segments):4d} segments  {elapsed * 1000:8.1f} ms"
            )


if __name__ == "__main__":
    main()
