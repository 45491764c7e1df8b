"""Template tags of the dashboard pages.

`{% money block url %}` writes a money block (recovery.stats.money_block: the totals per currency,
each linked, and the converted total with its rates) in one call. It replaces an `{% include %}` of
a small template per table cell: a funnel by country has ~200 such cells, and the include's context
push, node walk and per-variable lookups were most of the page's render time (profiled on the
benchmark volume). The markup is exactly the former template's (tests/dashboards/test_money_markup.py
compares them), with the same filters doing the formatting so numbers and dates follow the active
language as before.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _amount(value) -> str:
    return floatformat(value, "2g")


def money_html(money, url="") -> SafeString:
    """The HTML of one money block; `url` is the link of a total that has none of its own."""
    money = money or {}
    totals = money.get("totals") or []
    if totals:
        out = "<br>".join(
            f'<span class="money"><a href="{conditional_escape(m["url"] or url or "")}">'
            f"{conditional_escape(m['currency'])} {_amount(m['amount'])}</a></span>"
            for m in totals
        )
    else:
        out = "—"
    converted = money.get("converted")
    if converted:
        out += f'<br><span class="muted">≈ {conditional_escape(converted["currency"])} {_amount(converted["amount"])}'
        if converted["rates"]:
            # The msgids of the former {% blocktranslate %}: the catalogues already translate them.
            rate_text = gettext("%(cur)s at %(rate)s, rate of %(day)s")
            out += (
                " ("
                + "; ".join(
                    rate_text
                    % {
                        "cur": conditional_escape(r["currency"]),
                        "rate": conditional_escape(localize(r["rate"])),
                        "day": conditional_escape(date_filter(r["date"], "Y-m-d")),
                    }
                    for r in converted["rates"]
                )
                + ")"
            )
        if converted["missing"]:
            missing = ", ".join(conditional_escape(c) for c in converted["missing"])
            out += " " + gettext("without %(cur)s: no rate") % {"cur": missing}
        out += "</span>"
    return mark_safe(out)  # noqa: S308 - every value above is escaped; the msgstrs are ours


@register.simple_tag
def money(block, url=""):
    return money_html(block, url)
