"""Where document files live: Django's storage API, under the alias "documents" (settings.STORAGES).

The embedded default is the filesystem under var/documents, outside every served directory; with
DOCUMENTS_S3_BUCKET set it is an S3-compatible store (MinIO in compose) through django-storages,
private, with no public URL. Either way files reach users only through the checked download view.
"""

import posixpath
import uuid

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty


class _DocumentStorage(LazyObject):
    """The storage configured as STORAGES["documents"], looked up when first used and again after
    the setting changes (tests point it at a temporary directory or at an S3 server)."""

    def _setup(self):
        self._wrapped = storages["documents"]


_storage = _DocumentStorage()


@receiver(setting_changed)
def _forget_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _storage._wrapped = empty


def document_storage():
    return _storage


def version_upload_to(instance, filename: str) -> str:
    # The stored name never contains the user's file name: a random key under the case, so that two
    # uploads of "scan.pdf" never meet and nothing typed reaches a path.
    ext = posixpath.splitext(filename)[1].lower()[:10]
    document = instance.document
    folder = f"cases/{document.case_id}" if document.case_id else f"incoming/{document.incoming_request_id}"
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"
