"""The OpenAPI schema and the browsable docs, served without internet access."""

import re

import pytest


@pytest.mark.django_db
def test_schema_lists_the_resources(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/cases/",
        "/api/v1/requests/{id}/transitions/",
        "/api/v1/assets/{id}/timeline/",
        "/api/v1/legal-instruments/",
        "/api/v1/countries/{country}/",
        "/api/v1/incoming-requests/",
        "/api/v1/incoming-requests/{id}/assign/",
        "/api/v1/incoming-requests/{id}/execution-due/",
        "/api/v1/incoming-requests/{id}/timeline/",
    ]:
        assert path in schema["paths"], path
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert create["description"] and create["requestBody"]["content"]["application/json"].get("examples")
    assert "TokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_docs_use_local_assets(client, url):
    html = client.get(url).content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


@pytest.mark.django_db
def test_every_operation_has_a_description_and_an_example(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            contents = list(operation.get("requestBody", {}).get("content", {}).values())
            contents += [c for r in operation["responses"].values() for c in r.get("content", {}).values()]
            if not operation.get("description") or not any("example" in c or "examples" in c for c in contents):
                missing.append(f"{method.upper()} {path}")
    assert not missing, missing


@pytest.mark.django_db
def test_every_error_response_is_documented_as_problem_json(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    patch = schema["paths"]["/api/v1/cases/{id}/"]["patch"]["responses"]
    for code in ("400", "401", "403", "404", "409", "412", "428", "429"):
        assert "application/problem+json" in patch[code]["content"], code


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_docs_work_under_the_content_security_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    # Every source the policy names is our own origin or a scheme keyword: no other host.
    sources = [source for directive in policy.split(";") for source in directive.split()[1:]]
    assert sources and all(s.startswith("'") or s in ("data:", "blob:") for s in sources), policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert script_src == ["'self'"], policy
    # No inline script (script-src 'self' would block it): every <script> loads a file of ours.
    html = response.content.decode()
    tags = re.findall(r"<script\b[^>]*>", html)
    assert tags
    for tag in tags:
        src = re.search(r'src="([^"]+)"', tag)
        assert src and src.group(1).startswith("/"), tag
    assert "fonts.googleapis.com" not in html and "https://" not in html.split("<body", 1)[0]


@pytest.mark.django_db
def test_swagger_ui_start_up_script_is_served_from_our_origin(client):
    page = client.get("/api/v1/docs/").content.decode()
    script_url = re.search(r'<script src="(/api/v1/docs/\?[^"]*script[^"]*)"', page).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode() and "SwaggerUIBundle" in script.content.decode()
