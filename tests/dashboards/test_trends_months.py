"""The trends page shows the months of the last years by default (the figures and the JSON keep
every month); every month on request, or the filter's period; the links of the months shown still
select their records through the admin's own list filtering."""

import datetime
import re

import pytest

from mla_requests.services import request_send
from tests.dashboards.test_fragments import PAGES, section, view, warm
from tests.dashboards.test_links import records_behind
from tests.factories import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_request(known, investigator_a):
    """A request sent in 2015, ten years before the rest of the dataset."""
    return request_send(
        request=make_request(case=known.case_a, country="RU"), actor=investigator_a, sent_on=datetime.date(2015, 3, 2)
    )


def month_rows(html: str) -> dict[str, str]:
    table = html[html.index('id="months-table"') :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'<tr><td>(\d{4}-\d{2})</td><td class="num"><a href="([^"]+)"', table))


def test_trends_show_the_last_years_by_default_and_every_month_on_request(client, known, old_request):
    client.force_login(known.supervisor)
    warm(client, PAGES["trends"])
    response = view(client, PAGES["trends"])
    default = section(response)
    # The figures (and the JSON) keep every month.
    figures = response.context["stats"]
    assert figures["months"][0]["month"] == "2015-03"
    last_year = int(figures["months"][-1]["month"][:4])
    months = month_rows(default)
    assert min(months) == f"{last_year - 4}-01" and max(months) == figures["months"][-1]["month"]
    assert "2015-03" not in months and "2019-12" not in months
    assert 'id="months-all"' in default and "Show every month since 2015-03" in default

    every = section(view(client, PAGES["trends"], months="all"))
    months = month_rows(every)
    assert min(months) == "2015-03" and 'id="months-recent"' in every
    # The old month's link selects exactly its request, through the admin's own list filtering.
    assert records_behind(months["2015-03"].replace("&amp;", "&"), known.supervisor) == 1


def test_trends_with_a_period_show_every_month_of_it(client, known, old_request):
    client.force_login(known.supervisor)
    params = {"date_from": "2015-01-01", "country": "RU"}
    warm(client, PAGES["trends"], **params)
    html = section(view(client, PAGES["trends"], **params))
    months = month_rows(html)
    assert min(months) == "2015-03" and 'id="months-shown"' not in html
    url = months["2015-03"].replace("&amp;", "&")
    assert "sent_on__gte=2015-01-01" in url and "country__exact=RU" in url
    assert records_behind(url, known.supervisor) == 1


def test_the_every_month_link_keeps_the_filter(client, known, old_request, renders):
    client.force_login(known.supervisor)
    warm(client, PAGES["trends"], country="RU", channel="central_authority")
    html = section(view(client, PAGES["trends"], country="RU", channel="central_authority"))
    link = re.search(r'id="months-all" href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link == "country=RU&channel=central_authority&months=all"
    # The same filter written another way is the same snapshot, cache entry and links.
    count = len(renders)
    again = section(view(client, PAGES["trends"], channel="central_authority", country="RU", unknown="x"))
    assert again == html and len(renders) == count
    # Every month is another display of the same snapshot: rendered once, then cached.
    every = section(view(client, PAGES["trends"], country="RU", channel="central_authority", months="all"))
    assert len(renders) == count + 1 and "2015-03" in month_rows(every)
