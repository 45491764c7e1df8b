"""OpenAPI description of the API: token authentication, the shared operations of the domain
viewsets (`domain_schema`), and postprocessing hooks for problem answers and examples."""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view


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


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag from the last GET of the record (e.g. "v3"). 428 without it, 412 when stale.',
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag from the last GET; when sent and stale, 412.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID). A retry with the same key and body replays the first "
    "response; the same key with another body is 422.",
)


@dataclass(frozen=True)
class Doc:
    """What one operation's documentation says that only its app can say."""

    summary: str
    description: str
    examples: tuple[OpenApiExample, ...] = ()


def domain_schema(
    noun,
    *,
    list_description,
    retrieve_description="With its version as ETag.",
    create,
    update_description=None,
    transitions=None,
    **extra,
):
    """Class decorator: the OpenAPI description of a DomainViewSet's operations.

    The shape is the same for cases, subjects, requests and assets: the summaries of list, read,
    update and timeline are built from `noun`; the request and response bodies come from the
    viewset's serializer classes; the headers follow what the base viewset does (Idempotency-Key
    on create and transitions, If-Match required on update, optional on transitions). The app says
    what differs: the descriptions, the create and transition `Doc`s with their examples.
    `transitions` is given for a viewset with TimelineMixin (its timeline is documented with it);
    `extra` are further actions' `extend_schema(...)`, as `extend_schema_view` takes them.
    Every operation gets a description of its own: without one drf-spectacular shows the viewset's
    docstring, which speaks to developers, not to the API's users.
    """
    article = "an" if noun[0] in "aeiou" else "a"
    whose = f"{article} {noun}'s"
    needs_if_match = f"Needs If-Match with the {noun}'s ETag."

    def decorate(viewset):
        output = viewset.serializer_class

        def write(summary, description, request, responses, parameters, examples=()):
            return extend_schema(
                summary=summary,
                description=description,
                request=request,
                responses=responses,
                parameters=parameters,
                examples=list(examples) or None,
            )

        update = viewset.update_serializer_class
        operations = {
            "list": extend_schema(summary=f"List {noun}s", description=list_description),
            "retrieve": extend_schema(summary=f"Read {article} {noun}", description=retrieve_description),
            "create": write(
                create.summary,
                create.description,
                viewset.create_serializer_class,
                {201: output},
                [IDEMPOTENCY_KEY],
                create.examples,
            ),
            "update": write(
                f"Replace {whose} editable fields", update_description or needs_if_match, update, output, [IF_MATCH]
            ),
            "partial_update": write(f"Change some of {whose} fields", needs_if_match, update, output, [IF_MATCH]),
        }
        if transitions is not None:
            operations["transitions"] = write(
                transitions.summary,
                transitions.description,
                viewset.transition_serializer_class,
                output,
                [IF_MATCH_OPTIONAL, IDEMPOTENCY_KEY],
                transitions.examples,
            )
            operations["timeline"] = extend_schema(
                summary=f"{article.capitalize()} {noun}'s status timeline",
                description="Every status change, oldest first.",
            )
        return extend_schema_view(**operations, **extra)(viewset)

    return decorate


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
