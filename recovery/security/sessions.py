"""Session bookkeeping: when the user logged in and was last seen, and ending a user's sessions."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.utils import timezone

SESSION_LOGIN_AT = "_security_login_at"
SESSION_LAST_SEEN = "_security_last_seen"


def end_sessions_of(user) -> int:
    """Delete every stored session signed in as `user`; returns how many were ended."""
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    if not hasattr(store_class, "get_model_class"):
        # Signed-cookie or cache-only sessions cannot be enumerated; the authentication
        # middleware still refuses an inactive user on the next request.
        return 0
    model = store_class.get_model_class()
    ended = 0
    for session in model.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(user.pk):
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
