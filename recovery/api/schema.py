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
