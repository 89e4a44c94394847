"""One error shape everywhere: {"code", "status", "message", "errors"}. No stack traces."""
import logging
import uuid
from http import HTTPStatus

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from api.domain.errors import Conflict, DomainError, Invalid, NotFound

log = logging.getLogger(__name__)

DOMAIN_STATUS = {NotFound: 404, Conflict: 409, Invalid: 422}


def error_response(code: int, message: str, errors: dict | None = None, headers=None, **extra):
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message, **extra}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def domain_error_response(error: DomainError):
    return error_response(DOMAIN_STATUS.get(type(error), 400), error.message, error.errors)


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 500:  # Flask's wrapper of an error raised outside the view
            return unexpected(getattr(error, "original_exception", None) or error)
        data = getattr(error, "data", None) or {}
        errors = data.get("messages") or data.get("errors")
        message = data.get("message") or error.description or HTTPStatus(error.code).phrase
        if error.code == 422 and errors and message == error.description:
            message = "The request has invalid fields; see errors."
        headers = dict(data.get("headers") or {})
        if error.code == 405 and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        return error_response(error.code, message, errors, headers)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return domain_error_response(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # The id is in the answer and in the log line with the traceback, so a support request
        # quoting it finds the cause; the answer itself says nothing of the internals.
        request_id = uuid.uuid4().hex
        log.exception("Unhandled error in %s %s (request %s)", request.method, request.path, request_id)
        return error_response(500, "Something went wrong on our side. Please try again.",
                              headers={"X-Request-Id": request_id}, request_id=request_id)
