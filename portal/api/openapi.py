"""The OpenAPI 3.1 document, built from the same pydantic models the views validate with, and
a server-rendered reference page drawn from it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape
from pydantic import BaseModel

from portal.api.schemas import Error

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # Flask rule under /api/v1, e.g. /clients/<int:account_id>
    summary: str
    response: type[BaseModel] | None
    body: type[BaseModel] | None = None
    status: int = 200
    paged: bool = False
    tag: str = "clients"
    operator: bool = False  # platform host, operator tokens; otherwise tenant hosts, firm tokens
    query: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> JSON schema
    multipart: dict[str, Any] | None = None  # a multipart/form-data body's JSON schema
    binary: bool = False  # the success answer is the file's bytes, not JSON


OPERATIONS: list[Operation] = []


def openapi_path(rule: str) -> str:
    return "/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _path_parameter(converter: str, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = (
        {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
        if converter == "int"
        else {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[a-z0-9_-]+$"}
    )
    return {"name": name, "in": "path", "required": True, "schema": schema}


def document(operator: bool = False) -> dict[str, Any]:
    """The firm API (tenant hosts) or the operator API (platform host)."""
    components: dict[str, Any] = {}
    error_ref = _schema(Error, components)
    error = {"description": "Error", "content": {"application/json": {"schema": error_ref}}}
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        if op.operator != operator:
            continue
        params: list[dict[str, Any]] = [
            _path_parameter(converter, name)
            for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", op.rule)
        ]
        params += [
            {"name": name, "in": "query", "schema": schema} for name, schema in op.query.items()
        ]
        if op.paged:
            params += [
                {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 40}},
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                },
            ]
        responses: dict[str, Any] = {
            "401": error,
            "404": error,
            "422": error,
            "429": error,
        }
        if op.method != "get":
            responses["403"] = error
        if op.binary:
            responses[str(op.status)] = {
                "description": "The file",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        elif op.response is None:
            responses[str(op.status)] = {"description": "Done"}
        else:
            responses[str(op.status)] = {
                "description": "OK",
                "content": {"application/json": {"schema": _schema(op.response, components)}},
            }
        entry: dict[str, Any] = {
            "summary": op.summary,
            "operationId": f"{op.method}_{re.sub(r'[^a-z]+', '_', op.rule.lower()).strip('_')}",
            "tags": [op.tag],
            "parameters": params,
            "responses": responses,
        }
        if op.method == "post":
            entry["parameters"] = params + [
                {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
            ]
        if op.multipart is not None:
            responses["413"] = error
            entry["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": op.multipart}},
            }
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema(op.body, components)}},
            }
        paths.setdefault(openapi_path(op.rule), {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Foyer operator API" if operator else "Foyer API",
            "version": "1",
            "description": (
                "The platform's tenants, as JSON, on the platform host. Authenticate with an "
                "operator token."
                if operator
                else "The firm's client portal, as JSON. Authenticate with a firm token."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def reference_html(operator: bool = False) -> str:
    """A plain reference page (no scripts, no CDN): the operations grouped by resource, each
    with its query and body fields."""
    doc = document(operator)
    title = escape(doc["info"]["title"])
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>{title} reference</title><style>body{{font-family:system-ui,sans-serif;",
        "max-width:60rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2rem;",
        "overflow-wrap:anywhere}section{border-top:1px solid #ddd;padding:.5rem 0}</style>",
        f"</head><body><h1>{title} reference</h1><p>{escape(doc['info']['description'])} ",
        "Send <code>Authorization: Bearer &lt;token&gt;</code>. Lists take <code>limit</code> ",
        "(1–100) and <code>cursor</code> (the <code>next_cursor</code> of the previous page); ",
        "a POST may carry an <code>Idempotency-Key</code>. Errors are ",
        '<code>{"error": {"code", "message", "fields"}}</code>. Machine-readable: ',
        "<a href='/api/v1/openapi.json'>openapi.json</a>.</p>",
    ]
    schemas = doc["components"]["schemas"]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, methods in doc["paths"].items():
        for method, entry in methods.items():
            by_tag.setdefault(entry["tags"][0], []).append((path, method, entry))
    parts.append("<nav><p>Resources: ")
    parts.append(", ".join(f"<a href='#{escape(tag)}'>{escape(tag)}</a>" for tag in by_tag))
    parts.append("</p></nav>")
    for tag, operations in by_tag.items():
        parts.append(f"<h2 id='{escape(tag)}'>{escape(tag.capitalize())}</h2>")
        for path, method, entry in operations:
            parts.append(
                f"<section><h3><code>{escape(method.upper())} {escape(path)}</code></h3>"
                f"<p>{escape(entry['summary'])}</p>"
            )
            query = [p["name"] for p in entry["parameters"] if p["in"] == "query"]
            if query:
                parts.append("<p>Query: ")
                parts.append(", ".join(f"<code>{escape(q)}</code>" for q in query))
                parts.append("</p>")
            body = entry.get("requestBody")
            if body:
                kind, content = next(iter(body["content"].items()))
                schema = content["schema"]
                if "$ref" in schema:
                    schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
                fields = schema.get("properties", {})
                parts.append(f"<p>Body ({escape(kind)}) fields: ")
                parts.append(", ".join(f"<code>{escape(f)}</code>" for f in fields))
                parts.append("</p>")
            codes = ", ".join(escape(code) for code in entry["responses"])
            parts.append(f"<p>Responses: {codes}</p></section>")
    parts.append("</body></html>")
    return "".join(parts)
