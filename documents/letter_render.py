"""Request letters from a small HTML subset to DOCX (python-docx) and PDF (fpdf2).

A letter template (documents/letters.py) renders to HTML with these tags only: h1-h3, p, ul, ol,
li, table, tr, th, td, b, strong, i, em, br (thead, tbody and tfoot are read through). Any other
tag is dropped and its text kept; the text of script and style is dropped. `parse_letter` reads the
HTML into blocks (headings, paragraphs, list items, tables) of styled runs, and both writers walk
the same blocks, so the DOCX the investigator finishes and the PDF say the same thing.

fpdf2 is pure Python: no system library (WeasyPrint needs Pango and its fonts), so a fresh machine
writes the PDF as soon as the pinned packages are installed. It needs a Unicode TrueType font for
Cyrillic and Kazakh: DejaVu Sans is vendored in documents/fonts/ (its licence beside it). A
character the font lacks (Chinese, Korean...) is printed in the PDF as U+FFFD; the DOCX keeps it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_FONTS = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
}
PDF_FAMILY = "DejaVu"

BLOCK_TAGS = {"h1", "h2", "h3", "p", "li", "td", "th"}
SKIP_CONTENT = {"script", "style", "head", "title"}
BOLD_TAGS = {"b", "strong"}
ITALIC_TAGS = {"i", "em"}

# Characters XML 1.0 (so a DOCX) cannot hold: C0 controls but tab and newline, and non-characters.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\r\n\f]+")


def clean_text(text: str) -> str:
    return _XML_INVALID.sub("", unicodedata.normalize("NFC", text))


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """A heading (h1-h3), a paragraph (p), or a list item (li, with its list's kind, depth and number)."""

    kind: str
    runs: list[Run] = field(default_factory=list)
    ordered: bool = False
    depth: int = 0
    number: int = 0

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Cell:
    runs: list[Run] = field(default_factory=list)
    header: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)
    kind: str = "table"

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def _trim(runs: list[Run]) -> list[Run]:
    """Collapse white space as a browser does: no leading or trailing space, none around a break."""
    out: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if out and out[-1].bold == run.bold and out[-1].italic == run.italic:
            out[-1] = Run(out[-1].text + run.text, run.bold, run.italic)
        else:
            out.append(Run(run.text, run.bold, run.italic))
    text_so_far = ""
    for run in out:
        text = run.text
        if text_so_far.endswith((" ", "\n")) or not text_so_far:
            text = text.lstrip(" ")
        text = text.replace(" \n", "\n").replace("\n ", "\n")
        run.text = text
        text_so_far += text
    # Trailing space (and a trailing space before a break) at the end.
    for run in reversed(out):
        stripped = run.text.rstrip(" ")
        run.text = stripped
        if stripped:
            break
    return [run for run in out if run.text]


class _LetterParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[Block | Table] = []
        self.bold = 0
        self.italic = 0
        self.skip = 0
        self.lists: list[dict] = []  # {"ordered": bool, "count": int}
        self.table: Table | None = None
        self.row: list[Cell] | None = None
        self.cell: Cell | None = None
        self.block: Block | None = None

    # The runs being written to: a table cell, else the open block, else a new paragraph.
    def _target(self) -> list[Run]:
        if self.cell is not None:
            return self.cell.runs
        if self.block is None:
            self.block = Block("p")
        return self.block.runs

    def _close_block(self):
        if self.block is not None:
            self.block.runs = _trim(self.block.runs)
            if self.block.runs:
                self.items.append(self.block)
            self.block = None

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_CONTENT:
            self.skip += 1
            return
        if tag in BOLD_TAGS:
            self.bold += 1
        elif tag in ITALIC_TAGS:
            self.italic += 1
        elif tag == "br":
            self._target().append(Run("\n", bool(self.bold), bool(self.italic)))
        elif tag in {"h1", "h2", "h3", "p"} and self.cell is None:
            self._close_block()
            self.block = Block(tag)
        elif tag in {"ul", "ol"} and self.cell is None:
            self._close_block()
            self.lists.append({"ordered": tag == "ol", "count": 0})
        elif tag == "li" and self.cell is None:
            self._close_block()
            current = self.lists[-1] if self.lists else {"ordered": False, "count": 0}
            current["count"] += 1
            self.block = Block(
                "li", ordered=current["ordered"], depth=max(len(self.lists) - 1, 0), number=current["count"]
            )
        elif tag == "table":
            self._close_block()
            if self.table is None:
                self.table = Table()
        elif tag == "tr" and self.table is not None:
            self._close_row()
            self.row = []
        elif tag in {"td", "th"} and self.table is not None:
            if self.row is None:
                self.row = []
            self._close_cell()
            self.cell = Cell(header=tag == "th")
        elif tag in {"p", "li", "h1", "h2", "h3"} and self.cell is not None and self.cell.runs:
            # A paragraph inside a cell is a line of the cell.
            self.cell.runs.append(Run("\n"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in {"br"}:
            self.handle_endtag(tag)

    def _close_cell(self):
        if self.cell is not None and self.row is not None:
            self.cell.runs = _trim(self.cell.runs)
            self.row.append(self.cell)
        self.cell = None

    def _close_row(self):
        self._close_cell()
        if self.row and self.table is not None:
            self.table.rows.append(self.row)
        self.row = None

    def handle_endtag(self, tag):
        if tag in SKIP_CONTENT:
            self.skip = max(self.skip - 1, 0)
            return
        if tag in BOLD_TAGS:
            self.bold = max(self.bold - 1, 0)
        elif tag in ITALIC_TAGS:
            self.italic = max(self.italic - 1, 0)
        elif tag in {"h1", "h2", "h3", "p", "li"} and self.cell is None:
            self._close_block()
        elif tag in {"ul", "ol"} and self.cell is None:
            self._close_block()
            if self.lists:
                self.lists.pop()
        elif tag in {"td", "th"}:
            self._close_cell()
        elif tag == "tr":
            self._close_row()
        elif tag == "table":
            self._close_row()
            if self.table is not None and self.table.rows:
                self.items.append(self.table)
            self.table = None

    def handle_data(self, data):
        if self.skip:
            return
        text = _SPACES.sub(" ", clean_text(data))
        if not text:
            return
        if self.cell is None and self.block is None and not text.strip():
            return  # white space between blocks
        self._target().append(Run(text, bool(self.bold), bool(self.italic)))

    def close(self):
        super().close()
        self._close_row()
        if self.table is not None and self.table.rows:
            self.items.append(self.table)
            self.table = None
        self._close_block()


def parse_letter(html: str) -> list[Block | Table]:
    parser = _LetterParser()
    parser.feed(html)
    parser.close()
    return parser.items


def plain_text(items: list[Block | Table]) -> str:
    """The letter as text (for tests and logs): one line per block, cells separated by ' | '."""
    lines = []
    for item in items:
        if isinstance(item, Table):
            lines.extend(" | ".join(cell.text for cell in row) for row in item.rows)
        else:
            lines.append(item.text)
    return "\n".join(lines)


# --- DOCX -------------------------------------------------------------------------------------------


def _docx_runs(paragraph, runs: list[Run], *, bold: bool = False):
    for run in runs:
        parts = run.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                paragraph.add_run().add_break()
            if part:
                written = paragraph.add_run(part)
                written.bold = run.bold or bold or None
                written.italic = run.italic or None


def to_docx(items: list[Block | Table], *, title: str = "", language: str = "en", header: str = "") -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        style.font.name = "Times New Roman"
        style.font.color.rgb = RGBColor(0, 0, 0)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    properties = document.core_properties
    properties.title = title[:255]
    properties.language = language
    properties.author = properties.last_modified_by = ""
    properties.comments = properties.subject = properties.keywords = ""
    if header:
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(header)
        run.bold = True
        run.font.color.rgb = RGBColor(0xB0, 0, 0)

    for item in items:
        if isinstance(item, Table):
            columns = item.columns
            table = document.add_table(rows=0, cols=columns)
            table.style = document.styles["Table Grid"]
            for row in item.rows:
                cells = table.add_row().cells
                for index, cell in enumerate(row):
                    paragraph = cells[index].paragraphs[0]
                    _docx_runs(paragraph, cell.runs, bold=cell.header)
            document.add_paragraph()
        elif item.kind in {"h1", "h2", "h3"}:
            paragraph = document.add_heading(level=int(item.kind[1]))
            _docx_runs(paragraph, item.runs)
        elif item.kind == "li":
            if item.ordered:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Cm(0.75 * (item.depth + 1))
                paragraph.paragraph_format.first_line_indent = Cm(-0.75)
                paragraph.add_run(f"{item.number}.\t")
            else:
                style = "List Bullet" if item.depth == 0 else f"List Bullet {min(item.depth + 1, 3)}"
                paragraph = document.add_paragraph(style=style)
            _docx_runs(paragraph, item.runs)
        else:
            paragraph = document.add_paragraph()
            _docx_runs(paragraph, item.runs)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------------

_PDF_SIZES = {"h1": 15, "h2": 12.5, "h3": 11.5, "p": 10.5, "li": 10.5}
_LINE = 5.2  # mm for 10.5 pt text


def _pdf_class():
    from fpdf import FPDF

    class LetterPDF(FPDF):
        marked_header = ""
        footer_text = ""

        def header(self):
            if self.marked_header:
                self.set_font(PDF_FAMILY, "B", 9)
                self.set_text_color(176, 0, 0)
                self.cell(0, 5, self.marked_header, align="C", new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(0, 0, 0)
                self.ln(2)

        def footer(self):
            self.set_y(-12)
            self.set_font(PDF_FAMILY, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, f"{self.footer_text}  {self.page_no()}/{{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    return LetterPDF


def _font_safe(pdf, text: str, style: str) -> str:
    """Replace what the font cannot draw: an invisible format character (a bidi mark it lacks) is
    dropped, any other missing character becomes U+FFFD, so nothing vanishes silently."""
    font = pdf.fonts[f"{PDF_FAMILY.lower()}{style}"]
    cmap = font.cmap
    out = []
    for ch in text:
        if ch == "\n" or ord(ch) in cmap:
            out.append(ch)
        elif unicodedata.category(ch) == "Cf":
            continue
        else:
            out.append("\ufffd")
    return "".join(out)


def _style(bold: bool, italic: bool) -> str:
    # No bold oblique is vendored (each font registered costs a parse of its file): bold stands for it.
    return "B" if bold else ("I" if italic else "")


def _column_widths(table: Table) -> tuple[int, ...]:
    """Relative widths from the content: the longest word (so it fits) and the amount of text. A
    table of labels and values (a heading cell, then a value, on each row) always gets 38:62, so
    that the letter's many such tables line up."""
    if table.columns == 2 and all(len(row) == 2 and row[0].header and not row[1].header for row in table.rows):
        return (38, 62)
    weights = []
    for index in range(table.columns):
        texts = [row[index].text for row in table.rows if index < len(row)]
        longest_word = max((len(word) for text in texts for word in text.split()), default=1)
        longest_line = max((len(line) for text in texts for line in text.split("\n")), default=1)
        weights.append(max(longest_word, min(longest_line, 45), 6))
    return tuple(weights)


def to_pdf(
    items: list[Block | Table], *, title: str = "", language: str = "en", header: str = "", footer: str = ""
) -> bytes:
    from fpdf.fonts import FontFace

    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    for style, filename in PDF_FONTS.items():
        pdf.add_font(PDF_FAMILY, style, str(FONT_DIR / filename))
    pdf.marked_header = header
    pdf.footer_text = footer
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_creator("asset-recovery")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    previous = ""
    for item in items:
        if previous == "li" and (isinstance(item, Table) or item.kind != "li"):
            pdf.ln(1.6)  # the end of a list
        previous = "table" if isinstance(item, Table) else item.kind
        if isinstance(item, Table):
            _pdf_table(pdf, item, FontFace)
            continue
        size = _PDF_SIZES.get(item.kind, 10.5)
        line = _LINE * size / 10.5
        left = pdf.l_margin
        if item.kind in {"h1", "h2", "h3"}:
            # Keep a heading with what follows it: not alone at the foot of a page.
            if pdf.get_y() > pdf.h - pdf.b_margin - 30:
                pdf.add_page()
            else:
                pdf.ln(2 if item.kind != "h1" else 1)
        if item.kind == "li":
            indent = 6 * (item.depth + 1)
            marker = f"{item.number}." if item.ordered else "•"
            pdf.set_x(left + indent - 5)
            pdf.set_font(PDF_FAMILY, "", size)
            pdf.cell(5, line, marker)
            pdf.set_left_margin(left + indent)
            pdf.set_x(left + indent)
        for run in item.runs:
            bold = run.bold or item.kind in {"h1", "h2", "h3"}
            style = _style(bold, run.italic)
            pdf.set_font(PDF_FAMILY, style, size)
            pdf.write(line, _font_safe(pdf, run.text, style))
        pdf.set_left_margin(left)
        pdf.ln(line)
        pdf.ln(1.6 if item.kind != "li" else 0.6)
    return bytes(pdf.output())


def _pdf_table(pdf, table: Table, FontFace):
    size = 9.5
    pdf.set_font(PDF_FAMILY, "", size)
    columns = table.columns
    first_row_headings = all(cell.header for cell in table.rows[0]) and len(table.rows) > 1
    with pdf.table(
        col_widths=_column_widths(table),
        text_align="LEFT",
        first_row_as_headings=first_row_headings,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        line_height=_LINE * size / 10.5,
        padding=1.2,
    ) as grid:
        for row in table.rows:
            out = grid.row()
            for index in range(columns):
                cell = row[index] if index < len(row) else Cell()
                bold = cell.header or (cell.runs and all(run.bold for run in cell.runs))
                style = "B" if bold else ""
                out.cell(
                    _font_safe(pdf, cell.text, style),
                    style=FontFace(emphasis="BOLD") if bold else None,
                )
    pdf.ln(3)
