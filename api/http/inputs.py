"""What every request must be before any view reads it, checked once for all routes.

- A route that reads a JSON body (a flask-smorest `arguments` in the body, or `@json_body`) gets
  JSON or nothing: another Content-Type is 415, a body that is not JSON (or not UTF-8) is 422.
  Without this, webargs reads a text/plain body as "no fields", and a cancel of 1 unit becomes
  a cancel of every unit.
- JSON is at most MAX_JSON_DEPTH levels deep: the parser recurses, and 1,000 levels would be a
  RecursionError (a 500) before any schema looks at it.
- No text anywhere (path, query, JSON strings and keys, form fields) holds a NUL character:
  PostgreSQL cannot store one in text, so it would reach the database as a 500.
- A path id past what its column holds names nothing: 404, not a database overflow."""
import json

from flask import current_app, request

from api.http.errors import error_response
from api.http.schemas import MAX_ROW_ID, MAX_SAFE_INTEGER

MAX_JSON_DEPTH = 32
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Our own rows' ids are 32-bit; the platform's ids (which we keep as they are) are 64-bit.
PLATFORM_IDS = frozenset({"variant_id", "product_id", "order_id"})
NUL = "\x00"


def json_body(view):
    """Marks a plain (non flask-smorest) view as one that reads a JSON body."""
    view.reads_json_body = True
    return view


def _reads_json(view) -> bool:
    if getattr(view, "reads_json_body", False):
        return True
    arguments = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(argument.get("in") == "json" for argument in arguments)


def _depth(value) -> int:
    """Nesting depth, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _nul_path(value, path: str = "") -> str | None:
    """Where the first string (or key) holding a NUL is, as a dotted path; None if none does."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str) and NUL in item:
            return where or "_body"
        if isinstance(item, dict):
            for key, child in item.items():
                if NUL in key:
                    return where or "_body"
                stack.append((child, f"{where}.{key}" if where else key))
        elif isinstance(item, list):
            stack.extend((child, f"{where}.{index}" if where else str(index)) for index, child in enumerate(item))
    return None


def _unreadable(location: str, field: str, message: str):
    return error_response(422, "The request has invalid fields; see errors.", {location: {field: [message]}})


def read_json(data: bytes):
    """The JSON in `data`; ValueError when it is not UTF-8 JSON of at most MAX_JSON_DEPTH levels."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError, ValueError):
        raise ValueError("The body is not valid JSON (UTF-8).") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"JSON is nested at most {MAX_JSON_DEPTH} levels deep.")
    return value


def check_request():
    if NUL in request.path:
        return error_response(404, "Nothing is at this address.")
    for name, value in request.args.items(multi=True):
        if NUL in name or NUL in value:
            return _unreadable("query", name.replace(NUL, ""), "Text may not contain NUL characters.")
    for name, value in (request.view_args or {}).items():
        limit = MAX_SAFE_INTEGER if name in PLATFORM_IDS else MAX_ROW_ID
        if isinstance(value, int) and not 0 < value <= limit:
            return error_response(404, f"No {name.replace('_', ' ')} {value}.")
    if request.method not in BODY_METHODS:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and _reads_json(view) and not request.is_json:
        return error_response(415, "Send the body as JSON, with Content-Type: application/json.")
    if request.is_json:
        try:
            body = read_json(request.get_data(cache=True))
        except ValueError as error:
            return _unreadable("json", "_body", str(error))
        where = _nul_path(body)
        if where:
            return _unreadable("json", where, "Text may not contain NUL characters.")
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            if NUL in name or NUL in value:
                return _unreadable("form", name.replace(NUL, ""), "Text may not contain NUL characters.")
    return None


def register(app) -> None:
    app.before_request(check_request)
