"""``/api/v1/openapi.json``: the API described from the same declarations it runs on."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response, jsonify

from app.api.declare import JSON, operations
from app.api.inputs import Field
from app.api.progress import MEDIA as PROGRESS
from app.meta import NAME, VERSION

ERROR_CODES = {
    "400": "The request does not fit the operation (bad option or range).",
    "401": "Not signed in (cookie, Bearer token or password missing).",
    "403": "Cross-site request, missing CSRF token or unknown Host.",
    "413": "The upload is larger than the limit.",
    "422": "The file cannot be processed (not a PDF, damaged, password, or a Sheaf limit"
    " on pages, pixels or unpacked size, named with its value).",
    "500": "Unexpected: the message carries an incident id that is also in the log.",
    "503": "Sheaf is stopping; try again.",
    "507": "Not enough free disk space.",
}
PROTECTION = (
    " A protected input opened with its password comes back protected the same way"
    " (same open password and permissions, AES-256; the response has"
    " `X-Sheaf-Protected: kept`)."
)
PROGRESS_FORM = (
    "The progress form, asked for with `Accept: application/x-sheaf-progress`: once the"
    " inputs are valid (a refusal before work starts is the usual JSON error), the answer"
    " is 200 and its body is lines, each one JSON object and a newline."
    ' `{"progress": {"done": 3, "total": 117}}` comes at most ten times a second and at'
    " least every 2 seconds; `done` only goes up, `total` stays once known (0 if unknown)."
    ' The last line is either `{"error": {"status": 422, "error": "<code>", "message":'
    ' "<text>", "field": <name or null>}}` (what the plain answer would have said; the body'
    ' ends there) or, after a progress line with done == total, `{"result": {"size": N,'
    ' "type": "<media type>", "name": "<download name>", "headers": {...}}}` followed by'
    " exactly N bytes: the plain answer's body (`headers`: its Content-Disposition and"
    " X-Sheaf-* headers). With `X-Sheaf-Pictures: N` (1 to 12) a PDF result's line also"
    ' holds `"pictures": {"pages": <count>, "images": [<data URLs of its first N pages,'
    " 160 px wide>]}` (none if the result cannot be pictured, e.g. it now has a password)."
    " Closing the connection cancels the work before its next page."
)
NO_PROTECTION_NOTE = {
    "protect",
    "unlock",
    "metadata",
    "thumbnails",
    "preview",
    "pdf-to-images",
    "images-to-pdf",
}


def _schema(f: Field) -> dict[str, Any]:
    if f.kind == "file":
        return {"type": "string", "format": "binary", "description": f.description}
    if f.kind == "files":
        return {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "minItems": 1,
            "description": f.description,
        }
    if f.kind in ("integer", "number"):
        s: dict[str, Any] = {"type": f.kind, "description": f.description}
        if f.minimum is not None:
            s["minimum"] = f.minimum
        if f.maximum is not None:
            s["maximum"] = f.maximum
    elif f.kind == "boolean":
        s = {"type": "boolean", "description": f.description}
    else:
        s = {"type": "string", "description": f.description, "maxLength": f.max_length}
        if f.kind == "password":
            s["format"] = "password"
        if f.enum:
            s["enum"] = list(f.enum) + list(f.also)  # what is accepted, old names too
    if f.default is not None:
        s["default"] = f.default
    return s


@cache
def build() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for op in operations():
        properties = {f.name: _schema(f) for f in op.fields}
        required = [f.name for f in op.fields if f.required]
        encoding = {
            f.name: {"contentType": ", ".join(f.accept)}
            for f in op.fields
            if f.kind in ("file", "files")
        }
        ok: dict[str, Any] = {}
        for mime in op.produces:
            ok[mime] = (
                {"schema": {"type": "object"}}
                if mime == JSON
                else {"schema": {"type": "string", "format": "binary"}}
            )
        ok[PROGRESS] = {
            "schema": {"type": "string", "format": "binary", "description": PROGRESS_FORM}
        }
        responses: dict[str, Any] = {
            "200": {
                "description": "The result; with `Accept: application/x-sheaf-progress`,"
                " the progress form (described with its media type).",
                "content": ok,
            }
        }
        for code, text in ERROR_CODES.items():
            responses[code] = {
                "description": text,
                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        body_schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            body_schema["required"] = required
        paths[f"/api/v1/{op.name}"] = {
            "post": {
                "operationId": op.name.replace("/", "_").replace("-", "_"),
                "summary": op.summary,
                "description": "" if op.name in NO_PROTECTION_NOTE else PROTECTION.strip(),
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {"schema": body_schema, "encoding": encoding}
                    },
                },
                "responses": responses,
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{NAME} API",
            "version": VERSION,
            "description": "PDF tools. Files are processed and deleted; nothing is kept."
            " Every operation also answers in a progress form (pages done of total, then"
            " the result) when asked with `Accept: application/x-sheaf-progress`.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"cookie": []}, {}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Desktop: the launch token. Server: the password.",
                },
                "cookie": {"type": "apiKey", "in": "cookie", "name": "sheaf_session"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "field": {
                            "type": "string",
                            "description": "The form field at fault, where there is one.",
                        },
                    },
                }
            },
        },
    }


def document() -> Response:
    return jsonify(build())
