"""What the OpenAPI document says beyond what flask-smorest derives from the views, kept next to
the rules it describes so the two cannot drift apart:

- who may call: every route under /api/v1/admin needs the merchant's key (`admin`), every route
  under /api/v1/me a shopper session (`shopper`), as their blueprints enforce;
- path ids are bounded like the checks in api.http.inputs (404 beyond), and the answers those
  checks give to any route are listed on it: 404 (a path naming nothing), 415 and 422 (bodies),
  422 (query parameters);
- body rules spanning fields (schemas.Body): "exactly one of", "at least one of" and "not empty";
- the request id the error shape carries on a 500."""
from apispec import BasePlugin

from api.http.inputs import PLATFORM_IDS
from api.http.schemas import MAX_ROW_ID, MAX_SAFE_INTEGER

SECURITY_SCHEMES = {
    "admin": {"type": "http", "scheme": "bearer",
              "description": "The store's admin API key, or a console session (POST /api/v1/admin/sessions, or handed to the console by /bigcommerce/load)."},
    "shopper": {"type": "http", "scheme": "bearer",
                "description": "A shopper session token from POST /api/v1/stores/{store_hash}/sessions."},
}
ERROR = {"description": "The one error shape.",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
PROTECTED = (("/api/v1/admin", "admin"), ("/api/v1/me", "shopper"))


class ContractPlugin(BasePlugin):
    def init_spec(self, spec):
        for name, scheme in SECURITY_SCHEMES.items():
            spec.components.security_scheme(name, scheme)

    def operation_helper(self, path=None, operations=None, **kwargs):
        for prefix, scheme in PROTECTED:
            if path.startswith(prefix):
                for operation in operations.values():
                    operation["security"] = [{scheme: []}]
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                self._bound_id(parameter)
            responses = operation.setdefault("responses", {})
            takes_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            if "{" in path:
                responses.setdefault("404", ERROR)
            if "requestBody" in operation:
                responses.setdefault("415", ERROR)
            if "requestBody" in operation or takes_query:
                responses.setdefault("422", ERROR)

    def path_helper(self, path=None, operations=None, parameters=None, **kwargs):
        for parameter in parameters or []:
            self._bound_id(parameter)

    @staticmethod
    def _bound_id(parameter) -> None:
        schema = parameter.get("schema") if isinstance(parameter, dict) else None
        if parameter.get("in") == "path" and schema and schema.get("type") == "integer":
            schema["minimum"] = 1
            schema["maximum"] = MAX_SAFE_INTEGER if parameter["name"] in PLATFORM_IDS else MAX_ROW_ID

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        extra = {}
        names = getattr(schema, "exactly_one_of", ())
        if names:
            extra["oneOf"] = [{"required": [field]} for field in names]
        some = getattr(schema, "at_least_one_of", ())
        if some:
            extra["anyOf"] = [{"required": [field]} for field in some]
        if getattr(schema, "not_empty", False):
            extra["minProperties"] = 1
        if name == "Error":  # api.http.errors adds it to 500s
            extra["properties"] = {**definition["properties"], "request_id": {
                "type": "string", "description": "On a 500: quote it to support; the log has the details."}}
        return extra
