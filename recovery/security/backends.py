"""Login lockout backend (django-axes)."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check for every login made through a web request (the admin login form,
    the two-factor pages, DRF). Authentication without a request (Django's test client
    `login()`, code calling `authenticate()` directly) has no client to lock out, so it is let
    through to the password check instead of raising."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
