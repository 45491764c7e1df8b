"""Domain errors raised by services.

Each carries a translatable message meant for the user and a stable `code` for API clients. The
edges turn them into one shape: an admin message, or an API problem+json response (4xx).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    default_message = _("The operation is not allowed.")

    def __init__(self, message=None, *, field_errors=None):
        self.message = message if message is not None else self.default_message
        # {field: [messages]} for errors tied to an input field.
        self.field_errors = field_errors or {}
        super().__init__(str(self.message))

    def __str__(self):
        return str(self.message)


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    default_message = _("This status change is not allowed.")


class RequirementsMissing(DomainError):
    code = "requirements_missing"
    default_message = _("Mandatory contents required by the legal basis are missing.")

    def __init__(self, message=None, *, missing=(), **kwargs):
        self.missing = list(missing)
        super().__init__(message, **kwargs)


class LetterIncomplete(DomainError):
    """A request letter lacks essentials of its legal basis (documents/letters.py): `missing` names
    each one. The investigator completes the request, or generates a draft marked incomplete."""

    code = "letter_incomplete"
    default_message = _("The letter lacks essentials the legal basis requires.")

    def __init__(self, message=None, *, missing=(), **kwargs):
        self.missing = list(missing)
        super().__init__(message, **kwargs)


class MeasureOutsideScope(DomainError):
    code = "measure_outside_scope"
    default_message = _("A requested measure is outside the scope of the legal basis.")


class CatchAllNoteRequired(MeasureOutsideScope):
    """Measures beyond the instrument's list, which only its 'any other assistance' clause covers,
    asked for without the note citing that clause."""

    code = "catch_all_note_required"
    default_message = _("A measure beyond those the legal basis lists needs a note citing its catch-all clause.")


class ChannelNotAccepted(DomainError):
    """The requested state's country profile lists the channels it accepts, and the request's
    channel is not among them."""

    code = "channel_not_accepted"
    default_message = _("The requested state does not accept requests through this channel.")


class InvalidAmount(DomainError):
    code = "invalid_amount"
    default_message = _("The amount is not valid.")


class InvalidInput(DomainError):
    code = "invalid_input"
    default_message = _("The input is not valid.")


class OffenceOutsideScope(InvalidInput):
    """The request's crime category is outside the offences its legal basis covers."""

    code = "offence_outside_scope"
    default_message = _("The offence is outside the scope of the legal basis.")


class VersionConflict(DomainError):
    code = "version_conflict"
    default_message = _("The record was changed by someone else since you opened it. Reload and try again.")


class StoredFileMissing(DomainError):
    """A document version's row outlived its file (a restore without the storage)."""

    code = "file_missing"
    default_message = _("The stored file of this version is missing; ask an administrator.")


class AccessDenied(DomainError):
    """The user may not do this to this record (recovery.access). `not_found` when they may not even
    read it: the edges answer as for a record that does not exist."""

    code = "permission_denied"
    default_message = _("You may not do this.")

    def __init__(self, message=None, *, code=None, **kwargs):
        if code is not None:
            self.code = code
        super().__init__(message, **kwargs)
