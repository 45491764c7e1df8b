"""The filter form every dashboard page, export and /api/v1/stats/ endpoint reads from the query string."""

import datetime

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from incoming.models import IncomingRequest
from mla_requests.models import Request
from recovery.models import CrimeCategory, LegalInstrument, Unit
from recovery.stats import StatsFilter
from recovery.translation import country_choices

ANY = [("", _("All"))]


class QuickSelect(forms.Select):
    """A <select> written in one pass. Django draws each option through its own template; with the
    ~250 countries that was a quarter of a dashboard page served from its snapshot (profiled)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option), mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Period start")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Period end")
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.order_by("code"),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    country = forms.ChoiceField(label=_("Country"), required=False, widget=QuickSelect)
    crime_category = forms.ModelChoiceField(
        label=_("Crime category"),
        queryset=CrimeCategory.objects.all(),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=ANY + list(Request.Channel.choices))
    legal_basis_kind = forms.ChoiceField(
        label=_("Legal basis kind"), required=False, choices=ANY + list(LegalInstrument.Kind.choices)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form so the names follow the active language.
        self.fields["country"].choices = ANY + country_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot precede its start."))
        return data

    def stats_filter(self) -> StatsFilter:
        return StatsFilter.from_form(self.cleaned_data)


class ReportForm(DashboardFilterForm):
    """The statistics report covers one calendar year; the period fields give way to it."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["date_from"]
        del self.fields["date_to"]
        self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        return self.cleaned_data.get("year") or timezone.localdate().year

    def clean(self):
        data = forms.Form.clean(self)
        year = data.get("year")
        if year and datetime.date(year, 1, 1) > timezone.localdate():
            self.add_error("year", _("The year has not begun yet."))
        return data


class IncomingFilterForm(DashboardFilterForm):
    """The incoming requests' page: the same filter, with the channels foreign states use to reach
    us; the unit is the executing unit, the country the requesting state, the period the day received."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = ANY + list(IncomingRequest.Channel.choices)
        self.fields["country"].label = _("Requesting state")
        self.fields["unit"].label = _("Executing unit")
