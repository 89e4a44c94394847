"""The few answers meant for a person in a browser (the unsubscribe page, the local pay page):
HTML with a strict policy, and the choice between HTML and JSON where a route serves both."""
from flask import make_response, render_template, request

PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"


def wants_html(*, by_default: bool = False) -> bool:
    """A browser gets HTML, an API client JSON. Browsers list many types (Chrome's Accept header
    ranks `application/signed-exchange` above `*/*`), so only the two types we can answer are
    compared; a tie (`*/*`) or no Accept header gives `by_default`."""
    offered = ["text/html", "application/json"] if by_default else ["application/json", "text/html"]
    return request.accept_mimetypes.best_match(offered, default=offered[0]) == "text/html"


def page(template: str, status: int = 200, **context):
    # A Response, not a tuple: flask-smorest would serialize a tuple's body as JSON.
    response = make_response(render_template(template, **context), status, {
        "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": PAGE_CSP,
        "X-Frame-Options": "DENY", "Cache-Control": "no-store",
    })
    response.vary.add("Accept")
    return response


def problem_page(status: int, title: str, message: str, *, link: tuple[str, str] | None = None):
    """An error as a page: what went wrong in words, and where to go instead (`link`: url, text)."""
    return page("pages/problem.html", status, title=title, message=message, link=link)
