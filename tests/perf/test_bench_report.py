"""The benchmark's pieces that need no server: the scenario file, the report, the raw baseline's
input handling (its SQL runs only under bin/bench, against the bench database)."""

import string
import tomllib
from pathlib import Path

from bench import baseline_app
from bench.run import ROOT, markdown, result_cell

KNOWN_PLACEHOLDERS = {"request_id", "case_id", "asset_id", "incoming_id"}


def test_every_scenario_names_a_path_a_target_and_known_placeholders():
    config = tomllib.loads((ROOT / "bench" / "scenarios.toml").read_text())
    names = [s["name"] for s in config["scenario"]]
    assert len(names) == len(set(names))
    assert {"api_list", "api_detail", "dashboard_overview", "admin_cases", "admin_requests", "admin_assets"} <= set(
        names
    )
    for spec in config["scenario"]:
        assert spec["path"].startswith("/") and spec["target_p95_ms"] > 0
        fields = {f for _, f, _, _ in string.Formatter().parse(spec["path"]) if f}
        assert fields <= KNOWN_PLACEHOLDERS, spec
    # Incoming requests: the API list plain and filtered, and their dashboard.
    paths = {s["path"] for s in config["scenario"]}
    assert "/api/v1/incoming-requests/?limit=50" in paths and "/dashboard/incoming/" in paths
    assert any("overdue=true" in p for p in paths) and any("requesting_country=CN" in p for p in paths)
    incoming_api = [s for s in config["scenario"] if s["path"].startswith("/api/v1/incoming-requests/")]
    assert all(s["auth"] == "token" for s in incoming_api) and len(incoming_api) >= 3
    (api_list,) = [s for s in config["scenario"] if s.get("baseline")]
    assert api_list["connections"] == 8 and api_list["min_baseline_ratio"] == 0.5


def test_report_lists_missing_routes_as_not_available():
    report = {
        "timestamp": "2026-11-28T21:00:00Z",
        "commit": "abc1234",
        "host": {"cpus": 2, "postgres": "15.20", "workers": 2},
        "loadgen": "wrk",
        "duration_s": 10,
        "warmup_s": 2,
        "volume": {"requests": 1_000_000},
        "scenarios": [
            {
                "name": "api_list",
                "path": "/api/v1/requests/",
                "connections": 8,
                "status": "ok",
                "rps": 300.0,
                "p50_ms": 20.0,
                "p95_ms": 40.0,
                "target_p95_ms": 100,
                "pass": True,
            },
            {
                "name": "dashboard_overview",
                "path": "/dashboard/",
                "connections": 2,
                "status": "not available (404)",
                "target_p95_ms": 200,
            },
        ],  # fmt: skip
        "baseline": {"name": "baseline_api_list", "path": "/api/v1/requests/", "status": "ok", "rps": 500.0},
        "api_list_vs_baseline": {"summary": "300.0 vs 500.0 req/s = 0.60 of the baseline's throughput"},
        "reminder_scan": {"status": "not available (x absent)", "target_ms": 1000},
        "scan_query": {"status": "ok", "rows": 9967, "ms": 60.0},
    }
    text = markdown(report)
    assert "| dashboard_overview | `/dashboard/` | 2 | not available (404) |" in text
    assert "| api_list |" in text and "| pass |" in text
    assert "0.60 of the baseline's throughput" in text
    assert result_cell(report["baseline"]) == ""  # the baseline has no target of its own
    assert result_cell(report["scenarios"][1]) == "n/a"
    report["reminder_scan"] = {
        "status": "ok",
        "ms": 800.0,
        "due": 10155,
        "due_share": 0.0102,
        "target_ms": 1000,
        "pass": True,
        "read": 17423,
        "planned": 30055,
        "phases_ms": {"read": 190.0, "plan": 130.0},
    }
    assert (
        "800.0 ms with 10,155 due (1.02%); target <= 1000 ms: pass; 17,423 requests read, 30,055 reminders "
        "planned (read 190.0 ms, plan 130.0 ms)." in markdown(report)
    )


def _call(path, query=""):
    status = []
    body = baseline_app.app({"PATH_INFO": path, "QUERY_STRING": query}, lambda s, h: status.append(s))
    return status[0], b"".join(body)


def test_baseline_answers_only_the_api_list_and_refuses_a_bad_limit():
    assert _call("/elsewhere/")[0].startswith("404")
    status, body = _call("/api/v1/requests/", "limit=fifty")
    assert status.startswith("400") and b"integers" in body


def test_results_directory_is_kept_in_the_repository():
    assert (Path(ROOT) / "bench" / "results").is_dir()
