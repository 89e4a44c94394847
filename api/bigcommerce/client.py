"""A small REST client for one store's BigCommerce API.

Every request carries X-Auth-Token and a timeout. The rate limit is per store over a 30 s window:
when X-Rate-Limit-Requests-Left reaches zero the client waits X-Rate-Limit-Time-Reset-Ms before
the next request, and a 429 is retried after that wait (BigCommerce did nothing). A GET that got a
5xx answer or a network error is retried a bounded number of times with exponential backoff; a
POST or PUT is not: BigCommerce may have done the work and lost the answer (a refund paid, a
product added), so the caller looks for what it asked for before asking again (`outcome_unknown`).
The token never appears in errors or logs."""
import logging
import time
from dataclasses import dataclass, field

import requests

log = logging.getLogger(__name__)

TIMEOUT = (5, 30)  # connect, read (seconds)
MAX_RATE_LIMIT_WAITS = 5
MAX_SERVER_RETRIES = 3
BACKOFF_SECONDS = 0.5
MAX_WAIT_SECONDS = 30.0
V2_PAGE_SIZE = 250
V3_PAGE_SIZE = 250

# Module level so tests can observe the waits instead of sleeping.
sleep = time.sleep


class BigCommerceError(Exception):
    """BigCommerce refused or did not answer. `status` is the HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0, body=None):
        super().__init__(message)
        self.status = status
        self.body = body

    @property
    def outcome_unknown(self) -> bool:
        """No answer or a server error: the request may have been carried out."""
        return self.status == 0 or self.status >= 500


@dataclass
class BigCommerceClient:
    api_url: str
    store_hash: str
    access_token: str = field(repr=False)
    http: requests.Session = field(default_factory=requests.Session, repr=False)
    _wait_until: float = 0.0

    def url(self, path: str) -> str:
        return f"{self.api_url}/stores/{self.store_hash}{path}"

    def get(self, path: str, params: dict | None = None):
        return self.request("GET", path, params=params)

    def post(self, path: str, body, params: dict | None = None):
        return self.request("POST", path, body=body, params=params)

    def put(self, path: str, body):
        return self.request("PUT", path, body=body)

    def request(self, method: str, path: str, *, body=None, params: dict | None = None):
        """The decoded JSON answer (None for an empty one); BigCommerceError otherwise."""
        headers = {"X-Auth-Token": self.access_token, "Accept": "application/json",
                   "Content-Type": "application/json"}
        rate_limited = server_errors = 0
        while True:
            self._respect_rate_limit()
            try:
                response = self.http.request(method, self.url(path), json=body, params=params,
                                             headers=headers, timeout=TIMEOUT)
            except requests.RequestException as error:
                server_errors += 1
                # Only a request that never reached BigCommerce, or one that changes nothing, is sent again.
                resendable = method == "GET" or isinstance(error, requests.ConnectTimeout)
                if server_errors > MAX_SERVER_RETRIES or not resendable:
                    raise BigCommerceError(f"{method} {path}: no answer ({type(error).__name__})") from None
                sleep(BACKOFF_SECONDS * 2 ** (server_errors - 1))
                continue
            self._note_rate_limit(response)
            if response.status_code == 429:
                rate_limited += 1
                if rate_limited > MAX_RATE_LIMIT_WAITS:
                    raise BigCommerceError(f"{method} {path}: still rate limited", 429)
                self._wait_until = max(self._wait_until, time.monotonic() + self._reset_seconds(response, rate_limited))
                continue
            if response.status_code >= 500:
                server_errors += 1
                if server_errors > MAX_SERVER_RETRIES or method != "GET":
                    raise BigCommerceError(f"{method} {path}: HTTP {response.status_code}",
                                           response.status_code, _json(response))
                sleep(BACKOFF_SECONDS * 2 ** (server_errors - 1))
                continue
            if response.status_code >= 400:
                raise BigCommerceError(f"{method} {path}: HTTP {response.status_code} {_title(response)}",
                                       response.status_code, _json(response))
            return _json(response)

    def _reset_seconds(self, response, attempt: int) -> float:
        try:
            seconds = int(response.headers["X-Rate-Limit-Time-Reset-Ms"]) / 1000
        except (KeyError, ValueError):
            seconds = BACKOFF_SECONDS * 2 ** (attempt - 1)
        return min(max(seconds, 0.0), MAX_WAIT_SECONDS)

    def _note_rate_limit(self, response) -> None:
        left = response.headers.get("X-Rate-Limit-Requests-Left")
        if left is not None and left.strip().isdigit() and int(left) <= 0:
            self._wait_until = time.monotonic() + self._reset_seconds(response, 1)

    def _respect_rate_limit(self) -> None:
        wait = self._wait_until - time.monotonic()
        if wait > 0:
            log.info("BigCommerce rate limit for store %s: waiting %.2fs", self.store_hash, wait)
            sleep(wait)
        self._wait_until = 0.0

    # --- paging ------------------------------------------------------------------------------

    def v3_pages(self, path: str, params: dict | None = None):
        """Every item of a V3 collection, page by page (meta.pagination.total_pages)."""
        page = 1
        while True:
            answer = self.get(path, {**(params or {}), "page": page, "limit": V3_PAGE_SIZE}) or {}
            yield from answer.get("data") or []
            pagination = (answer.get("meta") or {}).get("pagination") or {}
            if page >= int(pagination.get("total_pages") or 1):
                return
            page += 1

    def v2_pages(self, path: str, params: dict | None = None):
        """Every item of a V2 collection: pages until a short or empty one (V2 answers 204)."""
        page = 1
        while True:
            items = self.get(path, {**(params or {}), "page": page, "limit": V2_PAGE_SIZE}) or []
            yield from items
            if len(items) < V2_PAGE_SIZE:
                return
            page += 1


def _json(response):
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _title(response) -> str:
    body = _json(response)
    if isinstance(body, dict):
        return str(body.get("title") or body.get("message") or "")[:200]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return str(body[0].get("message") or body[0].get("title") or "")[:200]
    return ""
