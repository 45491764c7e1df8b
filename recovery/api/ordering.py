"""Ordering with `?ordering=field,-other`: an unknown field is a 400, not silently ignored."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        params = request.query_params.getlist(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        terms = [term.strip() for param in params for term in param.split(",")]
        allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        bad = [term for term in terms if term.lstrip("-") not in allowed]
        if bad or not terms:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Order by one of: %(fields)s (prefix - for descending).")
                        % {"fields": ", ".join(sorted(allowed))}
                    ]
                }
            )
        return terms
