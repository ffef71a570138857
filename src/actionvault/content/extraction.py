"""Read the text of an uploaded file once, with its pages and headings, for actions to use.

PDF (pypdf), DOCX (python-docx), HTML (the standard library's parser), Markdown
(markdown-it-py) and plain text. A file whose text cannot be read yields empty text rather
than an error: the version is still stored, and an action on it fails saying why.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from actionvault.domain.content import Segment

log = logging.getLogger(__name__)

Extracted = tuple[str, tuple[Segment, ...]]


@dataclass(frozen=True, slots=True)
class ExtractionLimits:
    """What a file may cost to read; past these the upload is refused, not half-read."""

    #: The parts of a .docx (a zip archive) added up, unpacked.
    max_unpacked_bytes: int = 100 * 1024 * 1024
    #: Files inside a .docx archive.
    max_archive_parts: int = 2_000
    max_pdf_pages: int = 2_000
    #: Characters of text extracted from one file.
    max_text_chars: int = 20_000_000


DEFAULT_LIMITS = ExtractionLimits()


class ExtractionRefused(Exception):
    """The file is over a limit of what this server reads; the message says which and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_EXTENSION_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/html",
    ".htm": "text/html",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
    ".csv": "text/csv",
}


def guess_mime_type(file_name: str, declared: str | None = None) -> str:
    """The extension decides for the formats we read; a client's declared type otherwise."""
    known = _EXTENSION_TYPES.get(Path(file_name).suffix.lower())
    if known:
        return known
    if declared and declared != "application/octet-stream":
        return declared.split(";")[0].strip().lower()
    return "application/octet-stream"


class _Builder:
    """Collects text and closes a segment at every page or heading change."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.segments: list[Segment] = []
        self._start = 0
        self._page: int | None = None
        self._heading: str | None = None

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def move(self, *, page: int | None = None, heading: str | None = None) -> None:
        self._close()
        if page is not None:
            self._page = page
        if heading is not None:
            self._heading = heading

    def _close(self) -> None:
        if self.length > self._start:
            self.segments.append(Segment(self._start, self.length, self._page, self._heading))
        self._start = self.length

    def result(self) -> Extracted:
        self._close()
        return "".join(self.parts), tuple(self.segments)


def _plain(path: Path) -> Extracted:
    raw = path.read_bytes().decode("utf-8", errors="replace")
    builder = _Builder()
    pages = raw.split("\f")
    for number, page in enumerate(pages, start=1):
        builder.move(page=number if len(pages) > 1 else None)
        builder.add(page if number == len(pages) else page + "\n")
    return builder.result()


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _markdown(path: Path) -> Extracted:
    from markdown_it import MarkdownIt

    source = path.read_bytes().decode("utf-8", errors="replace")
    tokens = MarkdownIt("commonmark").parse(source)
    builder = _Builder()
    heading_next = False
    for token in tokens:
        if token.type == "heading_open":
            heading_next = True
        elif token.type == "inline":
            text = (
                "".join(
                    child.content
                    for child in token.children or ()
                    if child.type in ("text", "code_inline")
                )
                or token.content
            )
            if heading_next:
                builder.move(heading=text)
                heading_next = False
            builder.add(text + "\n")
        elif token.type == "fence" or token.type == "code_block":
            builder.add(token.content)
    return builder.result()


class _HTMLText(HTMLParser):
    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "table",
            "tr",
            "td",
            "th",
            "section",
            "article",
            "header",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "title",
        ]
    )
    _SKIP = frozenset({"script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = _Builder()
        self._skipping = 0
        self._heading: list[str] | None = None
        #: The text so far ended in whitespace: the next word is a new word. Text on either
        #: side of an inline tag with none between (`<a>here</a>.`) is joined as written.
        self._space = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = []
        if tag in self._BLOCKS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and self._heading is not None:
            title = " ".join("".join(self._heading).split())
            self._heading = None
            if title:
                self.builder.move(heading=title)
                self.builder.add(title)
        if tag in self._BLOCKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._heading is not None:
            self._heading.append(data)
            return
        text = " ".join(data.split())
        if not text:
            self._space = self._space or bool(data)
            return
        previous = self.builder.parts[-1] if self.builder.parts else "\n"
        separate = (self._space or data[0].isspace()) and not previous.endswith(("\n", " "))
        self.builder.add(" " + text if separate else text)
        self._space = data[-1].isspace()

    def _newline(self) -> None:
        self._space = False
        if self.builder.parts and not self.builder.parts[-1].endswith("\n"):
            self.builder.add("\n")


def _html(path: Path) -> Extracted:
    parser = _HTMLText()
    parser.feed(path.read_bytes().decode("utf-8", errors="replace"))
    parser.close()
    return parser.builder.result()


def _pdf(path: Path, limits: ExtractionLimits) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if len(reader.pages) > limits.max_pdf_pages:
        raise ExtractionRefused(
            f"The PDF has {len(reader.pages)} pages; this server reads at most "
            f"{limits.max_pdf_pages}. Split it into smaller documents."
        )
    builder = _Builder()
    for number, page in enumerate(reader.pages, start=1):
        builder.move(page=number)
        text = page.extract_text() or ""
        if text.strip():
            builder.add(text.rstrip() + "\n")
    return builder.result()


def _check_archive(path: Path, limits: ExtractionLimits) -> None:
    """Refuse a zip bomb from its directory, before a byte of it is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        return  # not an archive at all: the reader reports it as damaged
    if len(parts) > limits.max_archive_parts:
        raise ExtractionRefused(
            f"The .docx archive holds {len(parts)} parts; this server reads at most "
            f"{limits.max_archive_parts}. Save the document again from a word processor."
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise ExtractionRefused(
            f"The .docx file unpacks to {unpacked // 2**20} MB; this server reads at most "
            f"{limits.max_unpacked_bytes // 2**20} MB. Split it into smaller documents."
        )


def _docx(path: Path, limits: ExtractionLimits) -> Extracted:
    import docx

    _check_archive(path, limits)
    document = docx.Document(str(path))
    # Resolving `paragraph.style` walks the styles part each time; map style ids once instead.
    headings = {
        style.style_id
        for style in document.styles
        if (style.name or "").startswith("Heading") or style.name == "Title"
    }
    builder = _Builder()
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        if paragraph._p.style in headings:
            builder.move(heading=text)
        builder.add(text + "\n")
    return builder.result()


def _text_reader(
    reader: Callable[[Path], Extracted],
) -> Callable[[Path, ExtractionLimits], Extracted]:
    return lambda path, _limits: reader(path)


_READERS: dict[str, Callable[[Path, ExtractionLimits], Extracted]] = {
    "application/pdf": _pdf,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _docx,
    "text/html": _text_reader(_html),
    "text/markdown": _text_reader(_markdown),
}


def _pdf_unreadable(path: Path, exc: Exception) -> str:
    if "decrypt" in str(exc).lower() or "encrypt" in str(exc).lower():
        return (
            "The PDF is encrypted (password-protected), so its text cannot be read. Remove the "
            "password (save an unprotected copy) and upload that."
        )
    return (
        f"The PDF could not be read ({type(exc).__name__}: {str(exc)[:200]}); it looks damaged. "
        "Open it in a PDF viewer and save or export it again, then upload the copy."
    )


def _docx_unreadable(path: Path, exc: Exception) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # an OLE container, not a zip
        return (
            "The .docx file is encrypted (password-protected) or is an old .doc file, so its "
            "text cannot be read. Save an unprotected .docx copy from the word processor."
        )
    return (
        f"The .docx file could not be read ({type(exc).__name__}); it looks damaged. Open it in "
        "a word processor and save it again, then upload the copy."
    )


_WHY_UNREADABLE: dict[str, Callable[[Path, Exception], str]] = {
    "application/pdf": _pdf_unreadable,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _docx_unreadable,
}


def extract_text(
    path: Path, mime_type: str, limits: ExtractionLimits = DEFAULT_LIMITS
) -> Extracted:
    """The file's text and segments; empty text when nothing can be read from it.

    Raises ExtractionRefused for a file over `limits`, or a PDF or .docx that is damaged or
    encrypted: storing it with no text would hide why nothing can be read from it.
    """
    reader = _READERS.get(mime_type)
    if reader is None:
        if not mime_type.startswith("text/"):
            return "", ()
        reader = _text_reader(_plain)
    try:
        text, segments = reader(path, limits)
    except (ExtractionRefused, MemoryError):
        raise
    except Exception as exc:
        if mime_type in _WHY_UNREADABLE:
            # Stored with no text, it would only fail later, in every action, for no clear reason.
            raise ExtractionRefused(_WHY_UNREADABLE[mime_type](path, exc)) from None
        log.warning("could not read text from %s (%s): %s", path.name, mime_type, exc)
        return "", ()
    if len(text) > limits.max_text_chars:
        raise ExtractionRefused(
            f"The file holds {len(text):,} characters of text; this server reads at most "
            f"{limits.max_text_chars:,}. Split it into smaller documents."
        )
    return text, segments


def extract_text_from_bytes(data: bytes, mime_type: str) -> Extracted:
    """The same as extract_text, for content already in memory (demo content, small imports)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
        handle.write(data)
        handle.flush()
        return extract_text(Path(handle.name), mime_type)
