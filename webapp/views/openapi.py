"""``/api/v1/openapi.json``: the JSON API described for machines (OpenAPI 3.1)."""

from __future__ import annotations

from flask import Blueprint, jsonify

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}


def _param(name: str, where: str = "query", description: str = "", schema=None) -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _get(summary: str, params: list[dict], statuses=(200, 404)) -> dict:
    responses = {
        str(s): {"description": "OK"} if s < 400 else {"description": "Error", "content": {
            "application/json": {"schema": ERROR}}}
        for s in statuses
    }  # fmt: skip
    responses["200"]["content"] = {"application/json": {"schema": {"type": "object"}}}
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


DOC_ID = _param("doc_id", "path", "document id", {"type": "string", "pattern": "^[a-z0-9-]+$"})
NUMBER = _param("number", "path", "version number", {"type": "integer", "minimum": 1})
PART = _param(
    "part",
    description="a long version's part (over 300 paragraphs, 200 a part); short ones ignore it",
    schema={"type": "integer", "minimum": 1},
)
PAGE = _param("page", description="page of a long list (1 when none)",
              schema={"type": "integer", "minimum": 1})  # fmt: skip

PATHS: dict[str, dict] = {
    "/api/v1/": _get("What the archive holds and its latest additions", [], (200,)),
    "/api/v1/documents": _get(
        "Every document in date order",
        [_param("org", description="organisation key"), _param("kind", description="kind"), PAGE],
        (200, 400, 404),
    ),
    "/api/v1/documents/{doc_id}": _get(
        "The current version of a document", [DOC_ID, PART], (200, 404, 410)
    ),
    "/api/v1/documents/{doc_id}/v{number}": _get(
        "Version N of a document (immutable)", [DOC_ID, NUMBER, PART]
    ),
    "/api/v1/documents/{doc_id}/history": _get("Every version with word diffs", [DOC_ID]),
    "/api/v1/organisations": _get("The organisations the archive follows", [], (200,)),
    "/api/v1/organisations/{key}": _get(
        "One organisation and its documents, a page at a time",
        [_param("key", "path", "organisation key"), PAGE],
        (200, 400, 404),
    ),
}


def add_paths(paths: dict[str, dict]) -> None:
    """Let another area of the API describe its endpoints here."""
    PATHS.update(paths)


def spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inquiry timeline and document archive",
            "version": "1",
            "description": "Every HTML page has a JSON twin under /api/v1.",
        },
        "paths": dict(sorted(PATHS.items())),
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                }
            }
        },
    }


@bp.get("/api/v1/openapi.json")
def openapi():
    """Describe the JSON API."""
    return jsonify(spec())
