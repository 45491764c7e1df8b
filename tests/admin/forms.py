"""Build the POST data an admin change form would send, from the page's own context."""

from django.forms.widgets import MultiWidget


def _put(data, bound_field):
    value = bound_field.value()
    widget = bound_field.field.widget
    if value is None:
        return
    if isinstance(widget, MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        for index, part in enumerate(parts):
            if part is not None:
                data[f"{bound_field.html_name}_{index}"] = str(part)
        return
    if isinstance(value, bool):
        if value:
            data[bound_field.html_name] = "on"
        return
    if isinstance(value, list | tuple):
        data[bound_field.html_name] = [str(v) for v in value]
        return
    data[bound_field.html_name] = str(value)


def change_form_data(response) -> dict:
    data = {}
    for bound_field in response.context["adminform"].form:
        _put(data, bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            _put(data, bound_field)
        for form in formset.forms:
            for bound_field in form:
                _put(data, bound_field)
    return data
