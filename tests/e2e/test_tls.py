"""HTTPS served by the process itself, with a self-signed certificate: a round trip, and the
URLs the API hands out are https://."""

from __future__ import annotations

import datetime
import ipaddress
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from actionvault.services.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from live_server import free_port
from support import TEST_AGENTS

pytestmark = pytest.mark.e2e


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_an_https_round_trip_hands_out_https_urls(tmp_path: Path, command: str) -> None:
    cert, key = self_signed(tmp_path)
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONVAULT_")}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "actionvault", command, "--port", str(port),
            "--data-dir", str(tmp_path / "data"), "--agents-dir", str(TEST_AGENTS),
            "--workers", "0", "--ssl-certfile", str(cert), "--ssl-keyfile", str(key),
        ],
        env={**inherited, "ACTIONVAULT_LOG_LEVEL": "warning"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    base = f"https://127.0.0.1:{port}"
    try:
        with httpx.Client(
            base_url=base, verify=ssl.create_default_context(cafile=str(cert)), timeout=5
        ) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    versions = client.get("/api").json()
                    break
                except httpx.TransportError:
                    assert process.poll() is None, process.stdout.read() if process.stdout else ""
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
            assert versions["values"]["v26.1"] == f"{base}/api/v26.1"
            assert client.get("/health/live").status_code == 200
            if command == "demo":
                login = client.post(
                    "/api/v26.1/auth",
                    data={"username": DEMO_ADMIN_USERNAME, "password": DEMO_ADMIN_PASSWORD},
                ).json()
                assert login["responseStatus"] == "SUCCESS"
                assert login["vaultIds"][0]["url"] == f"{base}/api"
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"http://127.0.0.1:{port}/api", timeout=5)  # plain HTTP is not served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_a_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from actionvault.cli import main

    cert, _ = self_signed(tmp_path)
    result = CliRunner().invoke(main, ["serve", "--ssl-certfile", str(cert)])
    assert result.exit_code == 2
    assert "needs both --ssl-certfile and --ssl-keyfile" in result.output
