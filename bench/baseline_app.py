"""The raw baseline: the API's request list answered by one hand-written SQL query and orjson.

No Django, no ORM, no serializer, no authentication: what the hardware and PostgreSQL can do for
`GET /api/v1/requests/?country=RU&status=sent&limit=50`. The benchmark serves it with gunicorn
(same worker count as the service) and compares the service's API list with it.

    DATABASE_URL=postgres://... gunicorn bench.baseline_app:app -w 2 -b 127.0.0.1:8011
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

import orjson
import psycopg
from psycopg.rows import dict_row

# The fields a request list row carries in the API (reference, state, dates, the legal basis and
# case it belongs to), in one query with the two joins the list needs.
LIST_SQL = """
SELECT r.id, r.reference, r.foreign_reference, r.country, r.channel, r.urgency, r.status,
       r.sent_on, r.acknowledged_on, r.answered_on, r.closed_on, r.response_due,
       r.created_at, r.updated_at, r.version,
       r.case_id, c.register_number AS case_register_number,
       r.legal_basis_id, l.name_en AS legal_basis_name, l.kind AS legal_basis_kind,
       r.crime_category_id, r.responsible_investigator_id
FROM requests_request r
JOIN cases_case c ON c.id = r.case_id
JOIN recovery_legalinstrument l ON l.id = r.legal_basis_id
WHERE r.country = %(country)s AND r.status = %(status)s
ORDER BY r.created_at DESC, r.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""

_connection: psycopg.Connection | None = None


def _dsn() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/recovery_bench")
    return url.replace("postgres://", "postgresql://", 1)


def _conn() -> psycopg.Connection:
    # One connection per worker process, opened on first use and kept (as Django's CONN_MAX_AGE does).
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(_dsn(), autocommit=True, row_factory=dict_row, prepare_threshold=0)
    return _connection


def app(environ, start_response):
    if environ.get("PATH_INFO") != "/api/v1/requests/":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        limit = min(max(int(query.get("limit", ["50"])[0]), 1), 200)
        offset = max(int(query.get("offset", ["0"])[0]), 0)
    except ValueError:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"limit and offset are integers"]
    params = {
        "country": query.get("country", ["RU"])[0].upper(),
        "status": query.get("status", ["sent"])[0],
        "limit": limit,
        "offset": offset,
    }
    rows = _conn().execute(LIST_SQL, params).fetchall()
    body = orjson.dumps({"results": rows, "limit": limit, "offset": offset})
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
