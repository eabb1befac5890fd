"""The error answers every API operation can give, written into the OpenAPI schema.

drf-spectacular documents only the success of each operation, but clients (and schemathesis,
tests/test_api_fuzzing.py) meet the others too: 400 for a bad query or body, 401 without valid
credentials, 403 outside one's rights, 404 for what is not in one's scope (or a page past the
end), 429 when throttled. Each is added where the view did not document it itself.
"""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A validation error: {"field": ["message", ...], "non_field_errors": [...]} or {"detail": ...}.
VALIDATION_ERROR = {"type": "object", "additionalProperties": True}

DESCRIPTIONS = {
    "400": "Dữ liệu hoặc tham số không hợp lệ.",
    "401": "Chưa xác thực (thiếu hoặc sai token).",
    "403": "Không có quyền.",
    "404": "Không tìm thấy (hoặc ngoài phạm vi đơn vị của người gọi).",
    "429": "Quá nhiều yêu cầu.",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR)
    components.setdefault("ValidationError", VALIDATION_ERROR)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in DESCRIPTIONS.items():
                if status in responses:
                    continue
                name = "ValidationError" if status == "400" else "Error"
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                }
    return result
