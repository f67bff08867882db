"""JSON schemas of the report contract (docs/json.md) and of the requests, and the OpenAPI
document served at /openapi.json."""

from __future__ import annotations

from typing import Any

from voicecheck import __version__

_OFFSET = {"type": "integer", "minimum": 0}

SUGGESTION = {
    "type": "object",
    "required": ["text", "start", "end"],
    "properties": {
        "text": {"type": "string", "description": "replacement for original[start:end]; "
                 "empty means delete"},
        "start": _OFFSET, "end": _OFFSET,
        "safe": {"type": "boolean", "description": "true: keeps the meaning (a word swap)"},
    },
}

FINDING = {
    "type": "object",
    "required": ["code", "rule", "severity", "message", "start", "end", "line", "column",
                 "text", "suggestions"],
    "properties": {
        "code": {"type": "string", "pattern": "^VC[0-9]{3}$"},
        "rule": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
        "severity": {"enum": ["error", "warning", "info"]},
        "message": {"type": "string", "minLength": 1},
        "start": {**_OFFSET, "description": "code-point offset into the text as sent"},
        "end": _OFFSET,
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "text": {"type": "string"},
        "suggestions": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}},
    },
}

_SCORE = {"type": "integer", "minimum": 0, "maximum": 100}

REPORT = {
    "type": "object",
    "description": "The JSON report contract, version 1 (docs/json.md). Fields are only ever "
                   "added within a version.",
    "required": ["version", "path", "language", "verdict", "score", "scores", "findings"],
    "properties": {
        "version": {"const": 1},
        "path": {"type": ["string", "null"]},
        "language": {"enum": ["en", "id", "ms", "fa"]},
        "verdict": {"enum": ["pass", "warn", "fail"]},
        "score": _SCORE,
        "scores": {"type": "object", "additionalProperties": _SCORE,
                   "required": ["formality", "politeness", "empathy", "readability",
                                "vocabulary", "inclusivity", "safety", "hostility"]},
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
        "context": {"type": "object", "description": "what the check knew of the customer's "
                    "message, when one was given"},
    },
}

CHECK_REQUEST = {
    "type": "object",
    "required": ["text"],
    "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "minLength": 1, "description": "the draft reply"},
        "customer": {"type": ["string", "null"], "description": "the customer's message the "
                     "draft answers (enables context checks such as low empathy)"},
        "channel": {"type": ["string", "null"], "description": "e.g. email, chat, "
                    "twitter_public, or a channel the guide defines"},
        "lang": {"enum": ["auto", "en", "id", "ms", "fa", None], "default": "auto"},
        "guide": {"type": "string", "default": "default",
                  "description": "a guide name from GET /v1/guides"},
        "ignore": {"type": "array", "items": {"type": "string"},
                   "description": "rule codes or slugs whose findings are dropped"},
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string", "pattern": "^E[0-9]{3}$"},
                       "message": {"type": "string"}}}},
}

SCHEMAS = {"Report": REPORT, "Finding": FINDING, "Suggestion": SUGGESTION,
           "CheckRequest": CHECK_REQUEST, "Error": ERROR,
           "BatchRequest": {"type": "object", "required": ["items"],
                            "additionalProperties": False,
                            "properties": {"items": {"type": "array", "minItems": 1,
                                                     "items": {"$ref": "#/components/schemas/"
                                                               "CheckRequest"}}}},
           "BatchResponse": {"type": "object", "required": ["results"],
                             "properties": {"results": {"type": "array", "items": {
                                 "$ref": "#/components/schemas/Report"}}}}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json(_ref("Error"), "body is not a JSON object, or not UTF-8, or the request "
                 "is not valid HTTP/1.1 (E250)"),
    "401": _json(_ref("Error"), "missing or wrong bearer token (E255)"),
    "408": _json(_ref("Error"), "body not received in time (E258)"),
    "413": _json(_ref("Error"), "body, text or batch over its limit (E252)"),
    "422": _json(_ref("Error"), "invalid field (E251), unknown guide (E253), unknown rule in "
                 "ignore (E254), or an input the checker refuses (its own code)"),
    "429": _json(_ref("Error"), "too many requests in flight; retry after a moment (E256)"),
    "503": _json(_ref("Error"), "overloaded, over the time budget, or shutting down (E257)"),
}


def openapi(limits: Any, auth: bool) -> dict[str, Any]:
    """The OpenAPI 3.1 document of this server."""
    def post(summary: str, request: str, response: str) -> dict[str, Any]:
        return {"summary": summary, "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref(request)}}},
            "responses": {"200": _json(_ref(response), "the report(s)"), **_ERRORS}}

    def get(summary: str, content: str = "application/json") -> dict[str, Any]:
        return {"summary": summary, "responses": {"200": {"description": "ok", "content": {
            content: {"schema": {"type": "object"} if content == "application/json"
                      else {"type": "string"}}}}}}

    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "voicecheck", "version": __version__,
                 "description": "Brand-voice checks of customer-service replies before they are "
                 f"sent. Limits: body {limits.max_body:,} bytes, text {limits.max_text:,} "
                 f"characters, batch {limits.max_batch} items, time budget "
                 f"{limits.time_budget:g} s. Every response carries X-Request-ID."},
        "paths": {
            "/v1/check": {"post": post("Check one reply", "CheckRequest", "Report")},
            "/v1/check/batch": {"post": post(f"Check up to {limits.max_batch} replies",
                                             "BatchRequest", "BatchResponse")},
            "/v1/rules": {"get": get("Every rule: code, slug, severity, kind, languages")},
            "/v1/guides": {"get": get("Served guides, their status and last load error")},
            "/healthz": {"get": get("Liveness and readiness")},
            "/metrics": {"get": get("Prometheus text exposition", "text/plain")},
        },
        "components": {"schemas": SCHEMAS},
    }
    if auth:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        doc["security"] = [{"bearer": []}]
    return doc


def report_validator() -> Any:
    """A jsonschema validator of one report (needs the `jsonschema` package)."""
    import jsonschema

    schema = {**REPORT, "components": {"schemas": SCHEMAS}}
    return jsonschema.Draft202012Validator(schema)
