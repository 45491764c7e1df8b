"""Template tags for the admin header."""

from django import template

from recovery.notifications import unread_notifications_for

register = template.Library()

# Where the count is kept on the request: {user pk: count}.
UNREAD_COUNT_ATTR = "_unread_notification_counts"


@register.simple_tag(takes_context=True)
def unread_notification_count(context, user) -> int:
    """How many notifications (reminders) the signed-in person has not read yet.

    One COUNT per request, however often the header renders it: the answer is kept on the request,
    so the next page (a new request) counts again and shows a notification that arrived since.
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    request = context.get("request")
    counts = getattr(request, UNREAD_COUNT_ATTR, None) if request is not None else None
    if counts is None:
        counts = {}
        if request is not None:
            setattr(request, UNREAD_COUNT_ATTR, counts)
    if user.pk not in counts:
        counts[user.pk] = unread_notifications_for(user).count()
    return counts[user.pk]


# Rows per section of the desk on the admin's home (the desk page itself shows more).
HOME_DESK_ROWS = 5


@register.simple_tag
def desk_for_home(user):
    """The desk shown above the app list on the admin's home, for investigators and supervisors;
    None for everyone else (they see the lists alone)."""
    from recovery import access
    from recovery.desk import desk_for

    if not access.has_desk(user):
        return None
    return desk_for(user, rows=HOME_DESK_ROWS)
