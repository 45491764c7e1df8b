"""Files a test uploads: real bytes of each type, made here (no fixture files to keep in step)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(text: str = "Certified copy") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    # A fixed creation date: the same text gives the same bytes, whenever it is made.
    pdf.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def docx_bytes(text: str = "Signed letter") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def pdf_upload():
    def make(name="decision.pdf", text="Certified copy"):
        return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")

    return make


@pytest.fixture
def docx_upload():
    def make(name="letter.docx", text="Signed letter"):
        return SimpleUploadedFile(
            name,
            docx_bytes(text),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )

    return make
