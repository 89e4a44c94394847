"""Getting a rendered message to its recipient: email over SMTP, SMS through a Twilio-compatible
HTTP API, or, in demo mode without them, only the stored copy the demo mailbox shows.

Every message carries the outbox row's dedupe key (email: in the Message-ID and an
X-Backorder-Desk-Dedupe-Key header; SMS: an Idempotency-Key header), so a delivery repeated after
a worker crash is recognisable as the same message."""
import base64
import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

from api.notifications.render import Rendered

TIMEOUT_SECONDS = 20


class DeliveryError(Exception):
    """The channel refused or could not be reached: the worker retries later."""


def message_id(dedupe_key: str, mail_from: str) -> str:
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "backorder-desk.local"
    # ":" is not allowed on the left of a Message-ID.
    return f"<{dedupe_key.replace(':', '.')}@{domain}>"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str
    ssl: bool  # smtps://: TLS from the first byte
    starttls: bool

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        """smtp://user:pass@host:587?starttls=1 or smtps://user:pass@host:465"""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:pass@host:587?starttls=1 or smtps://host:465")
        query = urllib.parse.parse_qs(parts.query)
        secure = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if secure else 25),
            username=urllib.parse.unquote(parts.username or ""),
            password=urllib.parse.unquote(parts.password or ""),
            ssl=secure,
            starttls=not secure and query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        )


def build_email(rendered: Rendered, *, sender: str, recipient: str, dedupe_key: str,
                reply_to: str = "") -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = rendered.subject
    email["From"] = sender
    email["To"] = recipient
    if reply_to:
        email["Reply-To"] = reply_to
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = message_id(dedupe_key, sender)
    email["X-Backorder-Desk-Dedupe-Key"] = dedupe_key
    email["Auto-Submitted"] = "auto-generated"
    for name, value in rendered.headers.items():
        email[name] = value
    email.set_content(rendered.text)
    email.add_alternative(rendered.html, subtype="html")
    for attachment in rendered.attachments:  # the message becomes multipart/mixed
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(attachment.content.encode(), maintype=maintype, subtype=subtype,
                             filename=attachment.filename)
    return email


class SmtpMailer:
    transport = "smtp"

    def __init__(self, url: str):
        self.settings = SmtpSettings.from_url(url)

    def send(self, email: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.ssl:
                client = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT_SECONDS, context=context)
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS)
            with client:
                if s.starttls:
                    client.starttls(context=context)
                if s.username:
                    client.login(s.username, s.password)
                client.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP {s.host}:{s.port}: {type(error).__name__}: {error}") from error


@dataclass(frozen=True)
class SmsSettings:
    url: str  # the API base, e.g. https://api.twilio.com
    account_sid: str
    auth_token: str
    sender: str


class TwilioSms:
    """POST {SMS_URL}/2010-04-01/Accounts/{sid}/Messages.json with To, From, Body (Basic auth):
    the Twilio API, which several providers also offer."""

    transport = "sms_api"

    def __init__(self, settings: SmsSettings):
        self.settings = settings

    def send(self, to: str, body: str, dedupe_key: str) -> str:
        s = self.settings
        endpoint = f"{s.url.rstrip('/')}/2010-04-01/Accounts/{urllib.parse.quote(s.account_sid)}/Messages.json"
        data = urllib.parse.urlencode({"To": to, "From": s.sender, "Body": body}).encode()
        credentials = base64.b64encode(f"{s.account_sid}:{s.auth_token}".encode()).decode()
        request = urllib.request.Request(endpoint, data=data, method="POST", headers={
            "Authorization": f"Basic {credentials}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Idempotency-Key": dedupe_key,
        })
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode(errors="replace")
            raise DeliveryError(f"SMS provider answered {error.code}: {detail}") from error
        except (OSError, ValueError) as error:
            raise DeliveryError(f"SMS provider: {type(error).__name__}: {error}") from error
        return str(answer.get("sid", ""))
