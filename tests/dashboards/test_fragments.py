"""The rendered figures of the dashboard pages, cached per snapshot (recovery/dashboards/fragments.py):
used again for the same snapshot, language, scope, filter, rates and display, never otherwise, and
equal to the uncached and to the live render."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recovery.dashboards import fragments, snapshots
from recovery.dashboards.views import MONEY_PAGES
from recovery.models import DashboardSnapshot, ExchangeRate
from recovery.stats import Stats
from tests.factories import make_asset

pytestmark = pytest.mark.django_db

PAGES = {
    "overview": reverse("dashboard:overview"),
    "countries": reverse("dashboard:countries"),
    "categories": reverse("dashboard:categories"),
    "assets": reverse("dashboard:assets"),
    "trends": reverse("dashboard:trends"),
    "report": reverse("dashboard:report") + "?year=2025",
}


def view(client, url, language="en", **params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def section(response) -> str:
    return str(response.context["figures_html"])


def warm(client, url, **params):
    """The first view computes live and stores the snapshot (not cached); the second renders it."""
    view(client, url, **params)
    return view(client, url, **params)


def test_the_second_view_of_a_snapshot_reads_its_figures_from_the_cache(client, known, renders):
    client.force_login(known.supervisor)
    url = PAGES["assets"]
    view(client, url)  # live: computed, stored, rendered, not cached
    with CaptureQueriesContext(connection) as rendered:
        second = view(client, url)  # from the snapshot: rendered again, and cached
    assert len(renders) == 2
    with CaptureQueriesContext(connection) as cached:
        third = view(client, url)  # from the cache
    assert len(renders) == 2
    assert section(third) == section(second)
    # The cached view reads the snapshot's identity, not its rows, and no figure.
    assert len(cached.captured_queries) < len(rendered.captured_queries)
    assert not any('"rows"' in q["sql"] for q in cached.captured_queries)
    assert not any("assets_asset" in q["sql"] for q in cached.captured_queries)
    # What the page says around the figures is still made for this request.
    html = third.content.decode()
    assert "Figures as of" in html and 'name="csrfmiddlewaretoken"' in html
    # The figures stay available to whoever asks (read from the snapshot on demand).
    assert third.context["stats"]["funnel"] == second.context["stats"]["funnel"]


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_cached_figures_equal_the_uncached_and_the_live_render(client, known, page, language, settings):
    client.force_login(known.supervisor)
    url = PAGES[page]
    warm(client, url, language=language)
    cached = section(view(client, url, language))
    fragments.cache().clear()
    assert section(view(client, url, language)) == cached  # rendered again from the snapshot
    settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS = 0
    assert section(view(client, url, language)) == cached  # computed live, as without snapshots


def test_not_served_across_languages(client, known, renders):
    client.force_login(known.supervisor)
    warm(client, PAGES["assets"])
    english = section(view(client, PAGES["assets"], "en"))
    count = len(renders)
    russian = section(view(client, PAGES["assets"], "ru"))
    assert len(renders) == count + 1
    assert "<td>Identified</td>" in english and "<td>Выявлен</td>" in russian
    assert section(view(client, PAGES["assets"], "ru")) == russian and len(renders) == count + 1


def test_not_served_across_scopes(client, known, renders, administrator):
    client.force_login(known.analyst)  # sees every unit: scope "all"
    warm(client, PAGES["assets"])
    everything = section(view(client, PAGES["assets"]))
    client.force_login(known.supervisor)  # unit A only
    warm(client, PAGES["assets"])
    unit_a = section(view(client, PAGES["assets"]))
    assert everything != unit_a
    # Unit B's asset (USD 9,999 frozen) is in the analyst's figures only.
    assert "9,999.00" in everything and "9,999.00" not in unit_a
    # Another user of the same scope ("all") is served the same figures: they are the same.
    count = len(renders)
    client.force_login(administrator)
    assert section(view(client, PAGES["assets"])) == everything and len(renders) == count


def test_not_served_across_filters(client, known, renders):
    client.force_login(known.supervisor)
    warm(client, PAGES["assets"])
    unfiltered = section(view(client, PAGES["assets"]))
    warm(client, PAGES["assets"], country="GB")
    filtered = section(view(client, PAGES["assets"], country="GB"))
    assert filtered != unfiltered
    assert "location_country__exact=GB" in filtered and "Switzerland" not in filtered
    assert "Switzerland" in unfiltered


def test_a_new_snapshot_is_rendered_anew(client, known, renders, settings):
    client.force_login(known.supervisor)
    warm(client, PAGES["assets"])
    before = view(client, PAGES["assets"])
    count = len(renders)
    make_asset(case=known.case_a, location_country="DE", currency="USD", identified_on=datetime.date(2025, 3, 1))
    # Served as stored until the refresh.
    assert section(view(client, PAGES["assets"])) == section(before) and len(renders) == count
    later = timezone.now() + datetime.timedelta(seconds=settings.RECOVERY_DASHBOARD_REFRESH_SECONDS)
    snapshots.refresh_snapshots(now=later)  # the task: the same row, new rows and computed_at
    after = view(client, PAGES["assets"])
    assert len(renders) == count + 1
    assert after.context["computed_at"] > before.context["computed_at"]
    assert "Germany" in section(after) and "Germany" not in section(before)


def converted_frozen(html: str) -> str:
    """The converted total of the frozen stage in the funnel table."""
    row = re.search(r"<tr><td>Frozen / seized</td>.*?</tr>", html, re.S).group(0)
    return re.search(r"≈ USD ([\d,.]+)", row).group(1)


def test_a_new_or_changed_exchange_rate_is_rendered_anew(client, known, renders):
    client.force_login(known.supervisor)
    warm(client, PAGES["assets"])
    # Frozen: USD 850,000 + GBP 1,500,000 at 1.30 + EUR 300,000 at 1.20.
    assert converted_frozen(section(view(client, PAGES["assets"]))) == "3,160,000.00"
    count = len(renders)
    ExchangeRate.objects.create(date=known.today, currency="GBP", rate=Decimal("1.40"))
    assert converted_frozen(section(view(client, PAGES["assets"]))) == "3,310,000.00"
    assert len(renders) == count + 1
    # Edited in place, without any signal (as another process, or a bulk update, would do it).
    ExchangeRate.objects.filter(currency="GBP", date=known.today).update(rate=Decimal("1.50"))
    assert converted_frozen(section(view(client, PAGES["assets"]))) == "3,460,000.00"
    assert len(renders) == count + 2
    # Deleted: the table is as at first, and so is the figures' entry (still cached, still right).
    ExchangeRate.objects.filter(currency="GBP", date=known.today).delete()
    assert converted_frozen(section(view(client, PAGES["assets"]))) == "3,160,000.00"
    assert len(renders) == count + 2


def test_figures_computed_live_are_not_cached(client, known, renders, settings):
    settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS = 0  # no snapshots: every view computes live
    client.force_login(known.supervisor)
    first, second = view(client, PAGES["assets"]), view(client, PAGES["assets"])
    assert len(renders) == 2
    assert section(first) == section(second)
    assert not DashboardSnapshot.objects.exists()


def contains_money(node) -> bool:
    if isinstance(node, dict):
        return "money" in node or any(contains_money(v) for v in node.values())
    if isinstance(node, list):
        return any(contains_money(v) for v in node)
    return False


@pytest.mark.parametrize("page", ["overview", "countries", "categories", "assets", "trends", "report:2025"])
def test_only_the_pages_keyed_by_the_rates_show_money(known, page):
    # A page missing from MONEY_PAGES would keep a converted total after a rate changes.
    figures = snapshots._compute(Stats(known.analyst), page)
    assert contains_money(figures) == (page.split(":")[0] in MONEY_PAGES)
