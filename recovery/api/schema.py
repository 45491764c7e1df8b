"""OpenAPI extensions: how drf-spectacular describes the token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "recovery.api.authentication.TokenAuthentication"
    name = "TokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A service-account token: `Authorization: Token ar_xxxxxxxx_...` (or `Bearer`).",
        }


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Problem details (RFC 9457).",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per field.",
        },
    },
    "required": ["type", "title", "status", "detail"],
}

PROBLEM_DESCRIPTIONS = {
    "400": "Invalid input: see `errors` for the fields.",
    "401": "No credentials, or a revoked or expired token, or a deactivated account.",
    "403": "The role or the token's scopes do not allow this.",
    "404": "No such record among those the caller may see.",
    "405": "Method not allowed (cases, requests and assets are never deleted).",
    "406": "Not acceptable.",
    "409": "Conflict: a status change the workflow does not allow, or a concurrent change.",
    "412": "If-Match names an older version of the record.",
    "415": "Unsupported media type: send JSON.",
    "422": "Refused by a rule of the legal basis or of the amounts, or an Idempotency-Key reused.",
    "428": "If-Match is required to change the record.",
    "429": "Too many requests: see Retry-After.",
}
READ_PROBLEMS = ("400", "401", "403", "404", "405", "406", "429")
WRITE_PROBLEMS = ("409", "412", "415", "422", "428")


def add_problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the problem+json answers of every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path == "/api/v1/schema/":
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = READ_PROBLEMS + (WRITE_PROBLEMS if method != "get" else ())
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": PROBLEM_DESCRIPTIONS[code],
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result


FORMAT_EXAMPLES = {
    "date": "2025-01-10",
    "date-time": "2025-01-10T09:30:00+05:00",
    "decimal": "1300000.00",
    "uri": "https://recovery.example.kz/api/v1/cases/?limit=50&offset=50",
    "email": "investigator@example.kz",
    "uuid": "0b6c5d0e-7f39-4d2a-9d1e-2f1a6f0f6c11",
}
NAME_EXAMPLES = {
    "register_number": "241500031000123",
    "reference": "MLA-2025-000042",
    "code": "uncac",
    "status": "sent",
    "to_status": "sent",
    "currency": "USD",
    "username": "inv_a",
}


def _example_from_schema(schema, components, depth=0):
    """A plausible value for a JSON schema: its `example`, else one built from type and format."""
    if depth > 6 or not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return _example_from_schema(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components, depth + 1)
    if "example" in schema:
        return schema["example"]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if schema.get(combinator):
            return _example_from_schema(schema[combinator][0], components, depth + 1)
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: NAME_EXAMPLES.get(name, _example_from_schema(sub, components, depth + 1))
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        item = _example_from_schema(schema.get("items", {}), components, depth + 1)
        return [] if item is None else [item]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "string":
        return FORMAT_EXAMPLES.get(schema.get("format"), "text")
    return None


PROBLEM_EXAMPLE = {
    "type": "urn:asset-recovery:problem:invalid",
    "title": "The request is not valid.",
    "status": 400,
    "detail": "Correct the fields listed in “errors”.",
    "instance": "/api/v1/cases/",
    "code": "invalid",
    "errors": {"register_number": ["This field is required."]},
}


def add_descriptions_and_examples(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation gets a description and an example.

    Hand-written examples (OpenApiExample on the views) stay; where an operation has none, one is
    built from its response schema, whose money and country fields carry realistic examples.
    """
    components = result.get("components", {}).get("schemas", {})
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if not operation.get("description"):
                operation["description"] = operation.get("summary") or f"{method.upper()} {path}"
            for code, response in operation["responses"].items():
                for media_type, content in response.get("content", {}).items():
                    if "example" in content or "examples" in content:
                        continue
                    if media_type == "application/problem+json":
                        content["example"] = {**PROBLEM_EXAMPLE, "status": int(code), "instance": path}
                    elif code.startswith("2"):
                        example = _example_from_schema(content.get("schema", {}), components)
                        if example is not None:
                            content["example"] = example
    return result
