"""Template tags for the admin header."""

from django import template

from recovery.notifications import unread_notifications_for

register = template.Library()


@register.simple_tag
def unread_notification_count(user) -> int:
    """How many notifications (reminders) the signed-in person has not read yet: one COUNT query."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return unread_notifications_for(user).count()
