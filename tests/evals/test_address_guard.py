"""Connection-time address checks (roofline.evals.guard): a guarded run connects only to addresses its guard
accepts, whatever the name resolves to by then (DNS rebinding); an unguarded run (the CLI) may call any address;
TLS still verifies the URL's host name; redirects are not followed."""

import datetime
import ipaddress
import socket

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from roofline.evals import EvalRequest, run_eval
from tests.evals.fake_dns import FakeDNS
from tests.evals.fake_server import FakeServer, RunningServer

NAME = "rebind.example"
PUBLIC = "8.8.8.8"
LOOPBACK = "127.0.0.1"


def public_only(host: str, address) -> None:
    """A guard in the site's spirit, without Django: public addresses only."""
    if not address.is_global:
        raise ValueError(f"{address} is not a public address")


def at(name: str, url: str) -> str:
    return url.replace(LOOPBACK, name)


def request(url: str, **options) -> EvalRequest:
    options = {"model": "solver", "suites": ["arithmetic"], "limit": 3, "max_retries": 2, "timeout_s": 10} | options
    return EvalRequest(endpoint=url, **options)


def test_a_name_rebound_to_loopback_after_the_check_is_refused_before_anything_is_sent(fake, monkeypatch):
    dns = FakeDNS(monkeypatch, {NAME: [PUBLIC, LOOPBACK]})
    checked = socket.getaddrinfo(NAME, 80, type=socket.SOCK_STREAM)[0][4][0]  # the check before the run
    public_only(NAME, ipaddress.ip_address(checked))
    fake.app.requests.clear()

    card = run_eval(request(at(NAME, fake.url)), address_guard=public_only).to_dict()

    assert fake.app.requests == []  # nothing reached the local server
    assert card["errors"]["by_kind"] == {"refused": 3} and card["errors"]["retries_total"] == 0
    assert all(item["http_status"] is None for item in card["items"])
    error = card["items"][0]["error"]
    assert f"refused to connect to {NAME} at {LOOPBACK}: {LOOPBACK} is not a public address" in error
    assert dns.asked[NAME][0] == [PUBLIC] and len(dns.asked[NAME]) >= 2  # the connections looked the name up again


def test_one_internal_address_among_public_ones_refuses_the_name(fake, monkeypatch):
    FakeDNS(monkeypatch, {NAME: [[PUBLIC, LOOPBACK]]})
    fake.app.requests.clear()
    card = run_eval(request(at(NAME, fake.url), limit=1, max_retries=0, timeout_s=3), address_guard=public_only)
    item = card.to_dict()["items"][0]
    assert item["error_kind"] == "refused" and f"at {LOOPBACK}" in item["error"]
    assert fake.app.requests == []


def test_an_accepting_guard_checks_every_connection_and_the_run_works(fake, monkeypatch):
    dns = FakeDNS(monkeypatch, {NAME: [LOOPBACK]})
    seen = []
    fake.app.requests.clear()
    card = run_eval(request(at(NAME, fake.url), concurrency=1),
                    address_guard=lambda host, address: seen.append((host, str(address)))).to_dict()  # fmt: skip
    assert card["complete"] and card["errors"]["total"] == 0 and len(fake.app.requests) == 3
    assert set(seen) == {(NAME, LOOPBACK)}
    assert len(seen) == 2 * len(dns.asked[NAME])  # each connection: the resolved address, then the socket's peer


def test_without_a_guard_any_address_is_called(fake, monkeypatch):
    FakeDNS(monkeypatch, {NAME: [PUBLIC, LOOPBACK]})
    socket.getaddrinfo(NAME, 80)  # the first answer is used up, as by a check
    fake.app.requests.clear()
    card = run_eval(request(at(NAME, fake.url))).to_dict()
    assert card["complete"] and card["errors"]["total"] == 0 and len(fake.app.requests) == 3


@pytest.mark.parametrize("guarded", [True, False], ids=["guarded", "unguarded"])
def test_redirects_are_not_followed(fake, guarded):
    async def redirect(scope, receive, send):
        await send({"type": "http.response.start", "status": 307,
                    "headers": [(b"location", f"{fake.url}/chat/completions".encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})

    fake.app.requests.clear()
    with RunningServer(redirect) as hop:
        guard = (lambda host, address: None) if guarded else None
        card = run_eval(request(hop.url, limit=1), address_guard=guard).to_dict()
    item = card["items"][0]
    assert item["error_kind"] == "http" and item["http_status"] == 307
    assert fake.app.requests == []


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A CA (trusted through SSL_CERT_FILE) and a server certificate for NAME only, not for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject: str, key, issuer: str, issuer_key, ca: bool, names: list[str]):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("test CA", ca_key, "test CA", ca_key, True, [])
    server = certificate(NAME, server_key, "test CA", ca_key, False, [NAME])
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "server.pem").write_bytes(server.public_bytes(pem))
    (folder / "server.key").write_bytes(server_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                                 serialization.NoEncryption()))  # fmt: skip
    return folder


def test_tls_verifies_the_url_host_name_not_the_connected_ip(tls_files, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files / "ca.pem"))  # read by ssl.create_default_context()
    FakeDNS(monkeypatch, {NAME: [LOOPBACK], "other.example": [LOOPBACK]})
    app = FakeServer()
    allow = lambda host, address: None  # noqa: E731
    with RunningServer(app, ssl_certfile=str(tls_files / "server.pem"),
                       ssl_keyfile=str(tls_files / "server.key")) as server:  # fmt: skip
        good = run_eval(request(at(NAME, server.url), limit=1), address_guard=allow).to_dict()
        wrong = run_eval(request(at("other.example", server.url), limit=1, max_retries=0), address_guard=allow)
    assert good["errors"]["total"] == 0 and len(app.requests) == 1  # the certificate names NAME, not 127.0.0.1
    item = wrong.to_dict()["items"][0]
    assert item["error_kind"] == "connect" and "CERTIFICATE_VERIFY_FAILED" in item["error"]
    assert len(app.requests) == 1
