"""The outbox worker: claims due rows, renders and sends each on the store's channels, marks it
sent; a failure is retried with exponential backoff up to a cap, then the row is `failed` (the
merchant sees it at GET /api/v1/admin/outbox?status=failed). It also runs the periodic jobs.

Claiming is a short transaction: due rows are locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
parallel workers take different rows; SQLite serializes writers) and leased: status `sending`
until `next_attempt_at`. Nothing is held open while talking to SMTP. A worker that dies leaves its
rows leased; when the lease runs out any worker claims them again. So nothing is lost, and only a
message in flight at the moment of death can go out twice, with the same dedupe key. Each channel
that succeeds is recorded at once (DeliveredMessage), so a retry never repeats a channel that
already went out."""
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import formataddr, parseaddr
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.db import AppDatabase
from api.domain import clock
from api.models import DeliveredMessage, OutboxMessage, Store
from api.notifications import jobs as notification_jobs
from api.notifications.render import MERCHANT_EVENTS, Rendered, RenderError, render
from api.notifications.transports import (
    DeliveryError, SmsSettings, SmtpMailer, TwilioSms, build_email, message_id,
)

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 8
    lease: timedelta = timedelta(minutes=5)
    batch_size: int = 20
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_cap: timedelta = timedelta(hours=1)

    def backoff(self, attempts: int) -> timedelta:
        """30 s, 1 min, 2 min, … doubling up to the cap."""
        return min(self.backoff_base * (2 ** max(0, attempts - 1)), self.backoff_cap)


@dataclass
class Channels:
    """How each channel is delivered. In demo mode a channel without a server delivers to the
    mailbox only (the stored copy); outside demo mode that is an error the merchant sees."""

    mail_from: str
    mailer: SmtpMailer | None = None
    sms: TwilioSms | None = None
    mailbox: bool = False

    @classmethod
    def from_config(cls, config) -> "Channels":
        sms = None
        if config.get("SMS_URL"):
            sms = TwilioSms(SmsSettings(config["SMS_URL"], config.get("SMS_ACCOUNT_SID", ""),
                                        config.get("SMS_AUTH_TOKEN", ""), config.get("SMS_FROM", "")))
        return cls(
            mail_from=config.get("MAIL_FROM") or "Backorder Desk <no-reply@localhost>",
            mailer=SmtpMailer(config["SMTP_URL"]) if config.get("SMTP_URL") else None,
            sms=sms,
            mailbox=bool(config.get("DEMO_MODE")),
        )


def recipients(store: Store, row: OutboxMessage) -> list[tuple[str, str]]:
    """(channel, address) pairs: the store's chosen channels that the recipient has an address
    for; email when none of them fits, so nobody is left uninformed."""
    payload = row.payload or {}
    email, phone = payload.get("email") or "", payload.get("phone") or ""
    if row.event in MERCHANT_EVENTS:
        return [("email", email)] if email else []
    chosen = [(c, email if c == "email" else phone) for c in (store.notification_channels or [])
              if c in ("email", "sms") and (email if c == "email" else phone)]
    if not chosen and email:
        chosen = [("email", email)]
    return chosen


def quiet_until(store: Store, now: datetime) -> datetime | None:
    """When SMS quiet hours are on at `now` (naive UTC), the UTC time they end; else None."""
    quiet = store.sms_quiet_hours
    if not quiet or quiet.get("start") == quiet.get("end"):
        return None
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(quiet.get("timezone") or "UTC"))
    start, end, hour = int(quiet["start"]), int(quiet["end"]), local.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return None
    resume = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if resume <= local:
        resume += timedelta(days=1)
    return resume.astimezone(UTC).replace(tzinfo=None)


@dataclass
class Job:
    name: str
    every: timedelta
    run: Callable[[AppDatabase], object]
    last_run: float | None = None  # time.monotonic()


def default_jobs() -> list[Job]:
    from api.jobs import run_due_jobs  # payment-hold expiry and refund retries

    return [
        Job("due jobs (payment holds, refunds)", timedelta(minutes=1), run_due_jobs),
        Job("payment reminders", timedelta(minutes=5), notification_jobs.send_payment_reminders),
        Job("delay incentives", timedelta(minutes=15), notification_jobs.grant_delay_incentives),
        Job("merchant digest", timedelta(hours=1), notification_jobs.send_merchant_digests),
    ]


@dataclass
class Worker:
    database: AppDatabase
    channels: Channels
    app_url: str
    secret_keys: list[str]
    policy: Policy = field(default_factory=Policy)
    jobs: list[Job] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def for_app(cls, app, **overrides) -> "Worker":
        config = app.config
        policy = Policy(max_attempts=config.get("OUTBOX_MAX_ATTEMPTS", 8),
                        lease=timedelta(seconds=config.get("OUTBOX_LEASE_SECONDS", 300)))
        options = {"policy": policy, "jobs": default_jobs(), **overrides}
        return cls(app.extensions["database"], Channels.from_config(config), config["APP_URL"],
                   config["SECRET_KEYS"], **options)

    # --- the loop -------------------------------------------------------------------------

    def run(self, *, once: bool = False, poll_seconds: float = 2.0) -> None:
        """Until stopped (SIGTERM): run the jobs that are due, deliver a batch, wait a little
        when there was nothing to do. With `once`: every job once, then deliver until nothing is
        due, then return (for cron and tests)."""
        while not self.stop.is_set():
            self.run_jobs(force=once)
            delivered = self.deliver_batch()
            if once and not delivered:
                return
            if not delivered:
                self.stop.wait(poll_seconds)

    def run_jobs(self, force: bool = False) -> None:
        for job in self.jobs:
            due = job.last_run is None or time.monotonic() - job.last_run >= job.every.total_seconds()
            if self.stop.is_set() or not (force or due):
                continue
            job.last_run = time.monotonic()
            try:
                job.run(self.database)
            except Exception:  # noqa: BLE001 - a broken job must not stop delivery
                log.exception("Job %s failed", job.name)

    def deliver_batch(self) -> int:
        """Claim a batch and deliver it; rows not started when a stop is asked for go back."""
        claimed, lease_until = self.claim()
        for index, outbox_id in enumerate(claimed):
            if self.stop.is_set():
                self.release(claimed[index:], lease_until)
                break
            self.deliver(outbox_id, lease_until)
        return len(claimed)

    # --- claiming -------------------------------------------------------------------------

    def claim(self) -> tuple[list[int], datetime]:
        now = clock.utcnow()
        lease_until = now + self.policy.lease
        with self.database.transaction() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status.in_([PENDING, SENDING]), OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(self.policy.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            claimed = []
            for row in rows:
                if row.status == SENDING and row.attempts >= self.policy.max_attempts:
                    # Its lease ran out every time: a worker died on it again and again.
                    row.status = FAILED
                    row.last_error = f"Delivery was interrupted {row.attempts} times."
                    continue
                row.status, row.next_attempt_at = SENDING, lease_until
                row.attempts += 1
                claimed.append(row.id)
        return claimed, lease_until

    def release(self, outbox_ids: list[int], lease_until: datetime) -> None:
        with self.database.transaction() as session:
            for row in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids))):
                if row.status == SENDING and row.next_attempt_at == lease_until:
                    row.status, row.next_attempt_at = PENDING, clock.utcnow()
                    row.attempts -= 1

    # --- delivering one row ---------------------------------------------------------------

    def deliver(self, outbox_id: int, lease_until: datetime) -> None:
        now = clock.utcnow()
        errors: list[str] = []
        deferred: datetime | None = None
        with self.database.session(write=False) as session:
            row = session.get(OutboxMessage, outbox_id)
            store = session.get(Store, row.store_id)
            done = set(session.scalars(select(DeliveredMessage.channel).where(DeliveredMessage.outbox_id == row.id)))
            targets = [(c, a) for c, a in recipients(store, row) if c not in done]
            sender = formataddr((store.name or "Backorder Desk", parseaddr(self.channels.mail_from)[1]))
            reply_to, quiet, dedupe_key, event = store.merchant_email, quiet_until(store, now), row.dedupe_key, row.event
            nobody = not targets and not done
            rendered = None
            if targets:
                try:
                    rendered = render(session, store, row.event, row.payload, app_url=self.app_url,
                                      secret_keys=self.secret_keys)
                except RenderError as error:
                    errors.append(str(error))
                    targets = []
        for channel, address in targets:
            if channel == "sms" and quiet is not None:
                deferred = quiet  # quiet hours: the SMS waits, it is not dropped
                continue
            try:
                transport, reference = self._send(channel, address, rendered, dedupe_key, sender, reply_to)
            except DeliveryError as error:
                errors.append(f"{channel}: {error}")
                continue
            self._record(outbox_id, row.store_id, event, channel, transport, address, rendered, reference)
        self._finish(outbox_id, lease_until, errors, deferred, nobody)

    def _send(self, channel: str, address: str, rendered: Rendered, dedupe_key: str, sender: str,
              reply_to: str) -> tuple[str, str]:
        if channel == "email":
            if self.channels.mailer is not None:
                email = build_email(rendered, sender=sender, recipient=address, dedupe_key=dedupe_key,
                                    reply_to=reply_to)
                self.channels.mailer.send(email)
                return "smtp", email["Message-ID"]
            if self.channels.mailbox:
                return "mailbox", message_id(dedupe_key, sender)
            raise DeliveryError("SMTP_URL is not set, so email cannot be sent.")
        if self.channels.sms is not None:
            return "sms_api", self.channels.sms.send(address, rendered.sms, dedupe_key) or dedupe_key
        if self.channels.mailbox:
            return "mailbox", dedupe_key
        raise DeliveryError("SMS_URL is not set, so SMS cannot be sent.")

    def _record(self, outbox_id, store_id, event, channel, transport, address, rendered: Rendered,
                reference: str) -> None:
        try:
            with self.database.transaction() as session:
                session.add(DeliveredMessage(
                    store_id=store_id, outbox_id=outbox_id, event=event, channel=channel,
                    transport=transport, recipient=address, message_id=reference[:300],
                    subject=rendered.subject[:300] if channel == "email" else "",
                    text_body=rendered.text if channel == "email" else rendered.sms,
                    html_body=rendered.html if channel == "email" else "",
                    attachments=[{"filename": a.filename, "content_type": a.content_type, "content": a.content}
                                 for a in rendered.attachments] if channel == "email" else [],
                ))
        except IntegrityError:  # recorded already by a worker whose lease ran out meanwhile
            pass

    def _finish(self, outbox_id: int, lease_until: datetime, errors: list[str], deferred: datetime | None,
                nobody: bool) -> None:
        now = clock.utcnow()
        with self.database.transaction() as session:
            row = session.get(OutboxMessage, outbox_id, with_for_update=True, populate_existing=True)
            if row.status != SENDING or row.next_attempt_at != lease_until:
                return  # the lease ran out and another worker has the row now
            if errors:
                row.last_error = "; ".join(errors)[:2000]
                log.warning("Outbox %s (%s) attempt %s failed: %s", row.id, row.event, row.attempts, row.last_error)
                if row.attempts >= self.policy.max_attempts:
                    row.status = FAILED
                else:
                    row.status, row.next_attempt_at = PENDING, now + self.policy.backoff(row.attempts)
            elif deferred is not None:
                row.status, row.next_attempt_at = PENDING, deferred
                row.attempts -= 1  # waiting for quiet hours to end is not a failed attempt
                row.last_error = "SMS waits for the end of the store's quiet hours."
            elif nobody:
                row.status, row.last_error = SKIPPED, "No channel reaches this recipient."
            else:
                row.status, row.sent_at, row.last_error = SENT, now, ""


def start_in_thread(app, poll_seconds: float = 1.0) -> Worker:
    """A worker in a background thread of this process (the demo)."""
    runner = Worker.for_app(app)

    def loop():
        with app.app_context():
            runner.run(poll_seconds=poll_seconds)

    threading.Thread(target=loop, name="outbox-worker", daemon=True).start()
    return runner
