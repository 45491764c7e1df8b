"""The OpenAPI schema and the browsable docs, served without internet access."""

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
