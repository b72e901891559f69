"""The OpenAPI 3.1 document of the sync API, served at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from crewdeck.sync import protocol
from crewdeck.sync.state.oplog import MAX_NODE_SEQ
from crewdeck.sync.state.records import ENTITIES, WORKSPACE_ROW

VERSION = "1.0.0"
#: A served file's pushes and pulls once it is published to PostgreSQL.
PUBLISHED = (
    "published: the served file was published to PostgreSQL (crewdeck publish) and the team works where the message says; "
    "the replica keeps its edits and moves there (crewdeck sync --url)"
)


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document(max_batch: int, max_limit: int, max_wait: float, max_body: int, page_bytes: int, max_cursor: int) -> dict[str, Any]:
    described = _paths(max_batch, max_limit, max_wait, max_body, page_bytes, max_cursor)
    announced = {"$ref": "#/components/headers/Protocol"}
    for path in described["paths"].values():
        for operation in path.values():
            for response in operation["responses"].values():
                response["headers"] = {protocol.HEADER: announced}
    described["components"]["headers"] = {
        "Protocol": {
            "description": "the protocol level the server speaks (2: a result is created with its numbers alone, its id "
            "giving its key; 3: an import's run is a record). A server that sends none speaks level 1: a replica that needs "
            "more pushes nothing to it",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]{1,6}$"},
        }
    }
    return described


def _paths(max_batch: int, max_limit: int, max_wait: float, max_body: int, page_bytes: int, max_cursor: int) -> dict[str, Any]:
    hex32 = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
    op = {
        "type": "object",
        "description": "One change: set one field (last writer wins by op_id) or append one immutable record.",
        "required": ["op_id", "node", "node_seq", "member", "kind", "entity", "row_id", "field", "value"],
        "properties": {
            "op_id": {
                "type": "string",
                "pattern": "^[0-9]{13}-[0-9a-f]{4}-[0-9a-f]{4,32}$",
                "description": "hybrid logical clock stamp: <13-digit ms>-<4 hex counter>-<node>, its node the operation's",
            },
            "node": {"type": "string", "pattern": "^[0-9a-f]{4,32}$", "description": "the replica that made it"},
            "node_seq": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_NODE_SEQ - 1,
                "description": "the replica's own counter: 1, 2, 3, ...",
            },
            "member": {**hex32, "description": "must be the token's member"},
            "kind": {"type": "string", "enum": ["set", "append"]},
            "entity": {"type": "string", "enum": sorted(ENTITIES)},
            "row_id": {
                "type": "string",
                "pattern": f"^([0-9a-f]{{32}}|{WORKSPACE_ROW}|(budget|rate|result):[A-Za-z0-9:_.\\-]{{1,200}})$",
                "description": "a record's 32-hex id; workspace for the workspace's row; budget:..., rate:..., result:... for "
                "the records keyed by what they are of, under their own entity",
            },
            "field": {
                "type": "string",
                "maxLength": 200,
                "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
                "description": "a field name, or * for an append",
            },
            "value": {"description": "the field's new value, or the whole appended record"},
        },
    }
    pulled = {
        "allOf": [{"$ref": "#/components/schemas/Op"}, {"type": "object", "required": ["seq"], "properties": {"seq": {"type": "integer"}}}]
    }
    workspace = {"name": "workspace", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"}}
    auth = {
        "401": _error("no token, a malformed Authorization header, or an unknown or revoked token"),
        "403": _error(
            "the token belongs to another workspace, its member was removed or is a guest, or the operations are another member's"
        ),
        # Whoever sent it: the store is away or busy, and the same request goes through later.
        "503": _error("the store is unavailable or busy (a workspace file locked by another writer): retry after Retry-After seconds"),
    }
    time_props = {"server_ms": {"type": "integer"}, "server_time": {"type": "string", "format": "date-time"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "crewdeck sync",
            "version": VERSION,
            "description": "Replicas push their own operations (idempotent by node counter) and pull everyone's by the "
            "server's sequence number. Bearer tokens act as one member of one workspace.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Refused": {
                    "type": "object",
                    "description": "an operation the workspace's rules refused: never stored, dropped by its replica",
                    "required": ["node", "node_seq", "op_id", "row_id", "field", "rule", "message"],
                    "properties": {
                        "node": {"type": "string"},
                        "node_seq": {"type": "integer"},
                        "op_id": {"type": "string"},
                        "row_id": {"type": "string"},
                        "field": {"type": "string"},
                        "rule": {"type": "string", "description": "the rule's code (see the README's table of rules)"},
                        "message": {"type": "string"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                    "additionalProperties": True,
                },
                "Op": op,
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/health": {
                "get": {
                    "summary": "Is the server up, and its clock (nothing about any workspace)",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "up",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["ok"],
                                        "properties": {
                                            "ok": {"type": "boolean"},
                                            "protocol": {"type": "integer", "description": "the level the header names"},
                                            **time_props,
                                        },
                                    }
                                }
                            },
                        },
                        "503": _error("the store is unavailable"),
                    },
                }
            },
            "/v1/me": {
                "get": {
                    "summary": "Who this token is: its workspace, member and the workspace's head",
                    "responses": {
                        "200": {
                            "description": "the token's identity",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["workspace", "member", "token", "head"],
                                        "properties": {
                                            "workspace": {"type": "string"},
                                            "member": {"type": "string"},
                                            "token": {"type": "string"},
                                            "head": {"type": "integer"},
                                            **time_props,
                                        },
                                    }
                                }
                            },
                        },
                        **auth,
                    },
                }
            },
            "/v1/w/{workspace}/push": {
                "post": {
                    "summary": "Push a batch of this replica's operations",
                    "description": "Idempotent: operations already stored (by node and node_seq) are skipped. Each node's "
                    "operations must continue its count; a gap is a 409 naming the expected node_seq. Each new operation "
                    "is judged by the workspace's rules against the server's state; what they refuse is listed in `refused` "
                    "with its rule code, counted in the node's count, never stored, and listed again for a retried push.",
                    "parameters": [workspace],
                    "requestBody": {
                        "required": True,
                        "description": f"at most {max_body:,} bytes",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["ops"],
                                    "properties": {
                                        "ops": {"type": "array", "maxItems": max_batch, "items": {"$ref": "#/components/schemas/Op"}}
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "stored",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["stored", "duplicates", "acked", "head", "refused"],
                                        "properties": {
                                            "stored": {"type": "integer"},
                                            "duplicates": {"type": "integer"},
                                            "acked": {"type": "object", "additionalProperties": {"type": "integer"}},
                                            "head": {"type": "integer"},
                                            "refused": {"type": "array", "items": {"$ref": "#/components/schemas/Refused"}},
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error("not JSON, or the connection closed before the body arrived"),
                        **auth,
                        "404": _error("no such workspace"),
                        "409": _error(
                            "a gap (expected names the next node_seq) or a node whose history differs (node_conflict: a copied "
                            "replica; differs names the first node_seq whose operation is not the one stored)"
                        ),
                        "410": _error(PUBLISHED),
                        "413": _error(f"body over {max_body:,} bytes or more than {max_batch:,} operations"),
                        "415": _error("a body not sent with Content-Type: application/json, or sent compressed (Content-Encoding)"),
                        "422": _error(
                            'a body that is not {"ops": [...]}, a malformed operation, one carrying the stamp of an earlier one in the batch '
                            "or of one already stored on any record (duplicate_op: op_id names the stamp, index its place in the batch), "
                            "a clock too far ahead "
                            "(server_ms), or an operation naming a record's id under another entity (row_id names it)"
                        ),
                    },
                }
            },
            "/v1/w/{workspace}/ops": {
                "get": {
                    "summary": "Pull operations after a cursor, waiting for new ones if asked",
                    "parameters": [
                        workspace,
                        {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": max_cursor, "default": 0}},
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": max_limit, "default": 1000},
                        },
                        {
                            "name": "wait",
                            "in": "query",
                            "description": "seconds to wait when nothing is new",
                            "schema": {"type": "number", "minimum": 0, "maximum": max_wait, "default": 0},
                        },
                        {
                            "name": "node",
                            "in": "query",
                            "description": "this replica's node: its refused operations come back too",
                            "schema": {"type": "string", "pattern": "^[0-9a-f]{4,32}$"},
                        },
                        {
                            "name": "refused_after",
                            "in": "query",
                            "description": "the node's refusals after this node_seq",
                            "schema": {"type": "integer", "minimum": 0, "maximum": max_cursor, "default": 0},
                        },
                        {
                            "name": "at",
                            "in": "query",
                            "description": "the op_id this replica pulled as seq after: a server that holds another operation there, "
                            "or none (put back from an older backup), answers 409 cursor_lost, whether or not its head has passed after",
                            "schema": {"type": "string", "pattern": "^[0-9]{13}-[0-9a-f]{4}-[0-9a-f]{4,32}$"},
                        },
                        {
                            "name": protocol.HEADER,
                            "in": "header",
                            "description": "the protocol level this replica speaks; none reads as 2 (builds of level 2 and "
                            "before named none). The page stops before an operation of an entity that level does not know "
                            f"({', '.join(f'{e}: {level}' for e, level in sorted(protocol.READ_FROM.items()))}), and a page "
                            "that would begin with one is a 409 upgrade_replica",
                            "schema": {"type": "string", "pattern": "^[0-9]{1,6}$"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": f"a page of operations in seq order: at most limit, and stopping before {page_bytes:,} bytes "
                            "(a single larger operation comes alone); a token revoked during a wait gets a 401 instead",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["ops", "head", "next", "more", "refused"],
                                        "properties": {
                                            "ops": {"type": "array", "items": pulled},
                                            "head": {"type": "integer"},
                                            "next": {"type": "integer", "description": "the cursor for the next pull"},
                                            "more": {"type": "boolean"},
                                            "refused": {"type": "array", "items": {"$ref": "#/components/schemas/Refused"}},
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error("a bad parameter"),
                        "409": _error(
                            "the server lacks operations this replica pulled (put back from an older backup): cursor_lost when the "
                            "operation at after is not the one named by at, cursor_ahead when after is past the head; the body names "
                            "the head.  The replica pulls again from 0 and pushes again what the server no longer holds; "
                            "upgrade_replica when the next operation is of an entity the replica's level does not know "
                            f"({protocol.HEADER}), naming its seq and entity: its crewdeck needs upgrading"
                        ),
                        "410": _error(PUBLISHED),
                        **auth,
                    },
                }
            },
            "/v1/w/{workspace}/events": {
                "get": {
                    "summary": "A server-sent-events stream of 'changed' pokes carrying the head seq",
                    "parameters": [workspace],
                    "responses": {
                        "200": {
                            "description": 'event: changed, data: {"head": N}; within a second of the token\'s revocation '
                            "(at its next change when the member is removed or made a guest), event: revoked, "
                            'data: {"error": code, "message": text}, and the end of the stream',
                            "content": {"text/event-stream": {"schema": {"type": "string"}}},
                        },
                        **auth,
                    },
                }
            },
        },
    }
