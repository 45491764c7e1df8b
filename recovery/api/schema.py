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
