"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd, with AUTH) and
a fake Twilio-compatible SMS endpoint; plus a worker wired to them."""
import email
import json
import socket
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from api.notifications.transports import SmsSettings, SmtpMailer, TwilioSms
from api.notifications.worker import Channels, Policy, Worker

SMTP_USER, SMTP_PASSWORD = "desk", "s3cret"
SMS_SID, SMS_TOKEN = "AC123", "sms-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"Timed out waiting for {what}")


class Inbox:
    """What the SMTP server received, parsed. `hold_after` makes the server keep the client
    waiting (no reply to DATA) once that many messages have arrived, until `release()`."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.hold_after: int | None = None
        self.gate = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
            count = len(self.messages)
        if self.hold_after is not None and count >= self.hold_after:
            import asyncio

            await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
        return "250 Message accepted for delivery"

    def release(self):
        self.gate.set()

    def received(self) -> list:
        with self.lock:
            return list(self.messages)

    def to(self, address: str) -> list:
        return [m for m in self.received() if m["To"] == address]

    @staticmethod
    def text(message) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(("html",)).get_content()


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=_authenticate,
                            auth_require_tls=False)
    controller.start()
    inbox.url = f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}"
    yield inbox
    inbox.release()
    controller.stop()


class SmsEndpoint:
    def __init__(self):
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def bodies_to(self, number: str) -> list[str]:
        with self.lock:
            return [r["form"]["Body"] for r in self.requests if r["form"]["To"] == number]


@pytest.fixture
def sms_endpoint():
    endpoint = SmsEndpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            with endpoint.lock:
                endpoint.requests.append({"path": self.path, "headers": dict(self.headers), "form": form})
                sid = f"SM{len(endpoint.requests):032d}"
            body = json.dumps({"sid": sid, "status": "queued"}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint.url = f"http://127.0.0.1:{server.server_port}"
    yield endpoint
    server.shutdown()
    server.server_close()


def make_worker(app, smtp_url: str | None = None, sms_url: str | None = None, *, mailbox: bool = False,
                jobs=None, **policy) -> Worker:
    channels = Channels(
        mail_from="Backorder Desk <desk@shop-a.example>",
        mailer=SmtpMailer(smtp_url) if smtp_url else None,
        sms=TwilioSms(SmsSettings(sms_url, SMS_SID, SMS_TOKEN, "+15550001111")) if sms_url else None,
        mailbox=mailbox,
    )
    return Worker(app.extensions["database"], channels, app.config["APP_URL"], app.config["SECRET_KEYS"],
                  policy=Policy(**policy), jobs=jobs or [])
