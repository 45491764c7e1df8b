"""What an uploaded file must be before it joins the case file: an allowed type judged by its
content (never by its name), no bigger than the limit, with a clean file name and its SHA-256."""

import hashlib
import posixpath
import re
import unicodedata

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from recovery.errors import InvalidInput

CHUNK = 64 * 1024

# What each allowed content type is called, and the extension a clean name gets for it.
KNOWN_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/msword": ".doc",
    "application/rtf": ".rtf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "text/plain": ".txt",
}


class CheckedUpload:
    """An upload that passed the checks: the file (rewound), its clean name, type, size and hash."""

    def __init__(self, file, filename: str, content_type: str, size: int, sha256: str):
        self.file = file
        self.filename = filename
        self.content_type = content_type
        self.size = size
        self.sha256 = sha256


def clean_filename(name: str, content_type: str) -> str:
    """A name safe to show and to offer in Content-Disposition: no path, no control or bidi
    characters, no leading dots, at most 150 characters, with the extension of its real type."""
    name = posixpath.basename((name or "").replace("\\", "/"))
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C"} and ch not in '<>:"/\\|?*')
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, ext = posixpath.splitext(name)
    ext = ext.lower()
    wanted = KNOWN_TYPES.get(content_type, "")
    aliases = {".jpg": {".jpg", ".jpeg"}, ".tif": {".tif", ".tiff"}}
    if wanted and ext not in aliases.get(wanted, {wanted}):
        ext = wanted
    stem = stem[: 150 - len(ext)] or "document"
    return f"{stem}{ext or wanted}"


def sniff_content_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        # filetype calls a .doc "application/x-cfb"-like container differently across formats.
        if mime in {"application/x-ole-storage", "application/x-cfb"}:
            return "application/msword"
        return mime
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut by the end of the sample is still text.
            if error.start < len(head) - 4:
                return None
        return "text/plain"
    return None


def check_upload(file, filename: str = "") -> CheckedUpload:
    """Check an uploaded file (any object with read/seek/size, Django's UploadedFile or a File).

    Raises InvalidInput, with the reason, when it is empty, too big, or of a type not allowed."""
    limit = settings.DOCUMENT_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise InvalidInput(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            field_errors={"file": [_("Too big.")]},
        )
    file.seek(0)
    head = file.read(8192)
    if not head:
        raise InvalidInput(_("The file is empty."), field_errors={"file": [_("Empty file.")]})
    content_type = sniff_content_type(head)
    allowed = settings.DOCUMENT_ALLOWED_TYPES
    if content_type not in allowed:
        raise InvalidInput(
            _("Files of this type are not accepted (%(type)s). Accepted: PDF, Word, OpenDocument, images, text.")
            % {"type": content_type or _("unknown type")},
            field_errors={"file": [_("Type not accepted.")]},
        )
    # The hash and the size are computed here from the bytes, never taken from the client.
    digest = hashlib.sha256(head)
    total = len(head)
    while chunk := file.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise InvalidInput(
                _("The file is bigger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)},
                field_errors={"file": [_("Too big.")]},
            )
        digest.update(chunk)
    file.seek(0)
    name = clean_filename(filename or getattr(file, "name", "") or "", content_type)
    return CheckedUpload(file, name, content_type, total, digest.hexdigest())
