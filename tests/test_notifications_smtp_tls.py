"""Email over STARTTLS and over implicit TLS (smtps://), with AUTH, against a loopback server whose
certificate the client really verifies (a throwaway CA trusted through SSL_CERT_FILE)."""
import ipaddress
import ssl
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from api.notifications.render import Rendered
from api.notifications.transports import DeliveryError, SmtpMailer, build_email
from mailservers import SMTP_PASSWORD, SMTP_USER, Inbox, _authenticate, free_port


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.utcnow()
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))  # the client trusts this CA only
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


def message():
    rendered = Rendered(subject="Hello", text="Plain", html="<p>Html</p>", sms="", headers={})
    return build_email(rendered, sender="desk@shop-a.example", recipient="ada@example.com", dedupe_key="allocated:1")


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_email_goes_over_tls_with_auth(certificate, mode):
    inbox, port = Inbox(), free_port()
    if mode == "starttls":
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=certificate,
                                require_starttls=True, authenticator=_authenticate, auth_require_tls=False)
        url = f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}?starttls=1"
    else:
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=certificate, auth_require_tls=False,
                                authenticator=_authenticate)
        url = f"smtps://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}"
    controller.start()
    try:
        SmtpMailer(url).send(message())
    finally:
        controller.stop()
    [received] = inbox.received()
    assert received["Message-ID"] == "<allocated.1@shop-a.example>"
    assert Inbox.text(received).strip() == "Plain"


def test_smtp_url_is_parsed_for_tls_mode_port_and_credentials():
    plain = SmtpMailer("smtp://user%40mail:p%3Ass@mail.example:587?starttls=1").settings
    assert (plain.host, plain.port, plain.username, plain.password, plain.starttls, plain.ssl) == (
        "mail.example", 587, "user@mail", "p:ss", True, False)
    secure = SmtpMailer("smtps://mail.example").settings
    assert (secure.port, secure.ssl, secure.starttls) == (465, True, False)
    with pytest.raises(ValueError):
        SmtpMailer("https://mail.example")


def test_a_server_certificate_the_client_does_not_trust_is_refused(certificate, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=certificate)
    controller.start()
    try:
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            SmtpMailer(f"smtps://127.0.0.1:{port}").send(message())
    finally:
        controller.stop()
    assert inbox.received() == []
