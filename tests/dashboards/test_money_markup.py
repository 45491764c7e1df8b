"""The money tag (recovery/templatetags/dashboard_tags.py) writes exactly what the per-cell template
it replaced wrote, in every language: the same amounts, links, rates and missing currencies."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from recovery.stats import RateBook, money_block
from recovery.templatetags.dashboard_tags import money_html

pytestmark = pytest.mark.django_db

# templates/dashboard/_money.html as it was, included once per money cell.
FORMER_MONEY_TEMPLATE = (
    '{% load i18n %}{% for m in money.totals %}<span class="money"><a href="{% firstof m.url url %}">'
    '{{ m.currency }} {{ m.amount|floatformat:"2g" }}</a></span>{% if not forloop.last %}<br>{% endif %}'
    '{% empty %}—{% endfor %}{% if money.converted %}<br><span class="muted">≈ {{ money.converted.currency }} '
    '{{ money.converted.amount|floatformat:"2g" }}{% if money.converted.rates %} ({% for r in money.converted.rates %}'
    '{% blocktranslate with cur=r.currency rate=r.rate day=r.date|date:"Y-m-d" %}{{ cur }} at {{ rate }}, '
    "rate of {{ day }}{% endblocktranslate %}{% if not forloop.last %}; {% endif %}{% endfor %}){% endif %}"
    '{% if money.converted.missing %} {% blocktranslate with cur=money.converted.missing|join:", " %}without '
    "{{ cur }}: no rate{% endblocktranslate %}{% endif %}</span>{% endif %}"
)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_money_tag_writes_what_the_former_template_wrote(known, language):
    book = RateBook()
    blocks = [
        money_block({}, book, known.today),
        money_block({"USD": Decimal("1234567.5")}, book, known.today, link=lambda c: f"/admin/x/?c={c}&a=<1>"),
        money_block(
            {"EUR": Decimal("300000"), "GBP": Decimal("1500000.10"), "USD": Decimal("0.01")},
            book,
            datetime.date(2025, 7, 1),
            link=lambda c: f"/admin/x/?currency__exact={c}",
        ),
        money_block({"CHF": Decimal("99.99"), "EUR": Decimal("5")}, book, known.today),  # CHF: no rate
        money_block({"XAU": Decimal("10")}, book, known.today),  # nothing converts
    ]
    template = Template(FORMER_MONEY_TEMPLATE)
    with translation.override(language):
        for block in blocks:
            for url in ("", "/admin/fallback/?a=1&b=2"):
                assert money_html(block, url) == template.render(Context({"money": block, "url": url}))
        assert money_html(None) == template.render(Context({}))
