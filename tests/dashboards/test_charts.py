"""The server-rendered SVG charts: well-formed, escaped, linked, in any script."""

import xml.etree.ElementTree as ET

from recovery.dashboards.charts import Row, Segment, column_chart, hbar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_a_bar_chart_is_well_formed_svg_with_escaped_labels_and_links():
    svg = hbar_chart(
        [
            Row("Россия <script>", [Segment(3, "/admin/x/?a=1&b=2"), Segment(2, "")]),
            Row("Қытай", [Segment(1, "/admin/y/")]),
        ],
        ["Answered", "Overdue"],
        title="Requests & answers",
    )
    root = ET.fromstring(str(svg))
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == ["/admin/x/?a=1&b=2", "/admin/y/"]
    labels = [t.itertext() for t in root.findall(f"{SVG}text") if t.get("class") == "label"]
    assert any("Россия <script>" in "".join(text) for text in labels)
    assert "<script>" not in str(svg)
    # The longer bar is the first row's: 5 against 1.
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("y") not in ("4", "22")]
    assert widths[0] + widths[1] > widths[2] * 4


def test_a_column_chart_is_well_formed_and_handles_no_data():
    root = ET.fromstring(
        str(column_chart([Row("2025-01", [Segment(2, "/a/"), Segment(1, "/b/")])], ["Sent", "Answered"], title="t"))
    )
    assert len(root.findall(f".//{SVG}a")) == 2
    assert ET.fromstring(str(hbar_chart([], ["Requests"], title="empty"))) is not None
    assert ET.fromstring(str(column_chart([], ["Sent"], title="empty"))) is not None


def test_a_chart_with_links_is_a_labelled_group_and_each_link_has_a_name():
    # An image's content is presentational: links inside role="img" would be nested controls that
    # assistive technology cannot reach.
    linked = ET.fromstring(
        str(hbar_chart([Row("Россия", [Segment(3, "/admin/x/")])], ["Requests"], title="By country"))
    )
    assert linked.get("role") == "group" and linked.get("aria-label") == "By country"
    assert [a.get("aria-label") for a in linked.findall(f".//{SVG}a")] == ["Россия — Requests: 3"]
    unlinked = ET.fromstring(str(column_chart([Row("2025-01", [Segment(2)])], ["Sent"], title="Per month")))
    assert unlinked.get("role") == "img" and not unlinked.findall(f".//{SVG}a")
