"""The admin's autocomplete answers, with what a ModelAdmin wants each option to say.

Django's AutocompleteJsonView answers {"id", "text": str(obj)}; two people of the same name are two
identical lines. A ModelAdmin may define

- `autocomplete_prepare(request, objects)`: called once with the page of results (a list), for what
  the options need in a constant number of queries (which identifiers the user sees in full);
  returns anything, handed to the next hook;
- `autocomplete_result(request, obj, result, prepared)`: the option's dict, from Django's own.

The rows are the ModelAdmin's own (get_queryset, get_search_results): the hooks only say more
about rows the user may already see.
"""

from __future__ import annotations

from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class RecoveryAutocompleteJsonView(AutocompleteJsonView):
    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        prepare = getattr(self.model_admin, "autocomplete_prepare", None)
        if prepare is not None:
            objects = list(context["object_list"])
            context["object_list"] = objects
            self._prepared = prepare(self.request, objects)
        return context

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        describe = getattr(self.model_admin, "autocomplete_result", None)
        if describe is None:
            return result
        return describe(self.request, obj, result, getattr(self, "_prepared", None))


def autocomplete_view(site, request):
    return RecoveryAutocompleteJsonView.as_view(admin_site=site)(request)


def install(site) -> None:
    """Answer `site`'s autocomplete URL with RecoveryAutocompleteJsonView (before its URLs are built)."""
    site.autocomplete_view = lambda request: autocomplete_view(site, request)
