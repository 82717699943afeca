"""Provider mirrors for the mirror tests: folders laid out as `terraform providers mirror` writes
them (packed zips with index.json and <version>.json) or unpacked, and a real HTTPS server on
127.0.0.1 that serves such a folder as a network mirror, with a self-signed certificate the test
trusts through SSL_CERT_FILE (as Terraform, OpenTofu and Python's ssl module all read it).

    unpacked(root, version, platform, binary=None)   # binary: a real provider to copy in
    packed(root, version, platform)
    with https_folder(root, tmp_path) as (url, ca_file): ...
"""

from __future__ import annotations

import datetime
import functools
import http.server
import ipaddress
import json
import shutil
import ssl
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "registry.terraform.io"


def _aws(root: Path, host: str) -> Path:
    folder = root / host / "hashicorp" / "aws"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def unpacked(root: Path, version: str, platform: str, *, binary: Path | None = None, host: str = HOST) -> Path:
    """<root>/<host>/hashicorp/aws/<version>/<platform>/terraform-provider-aws_v<version>_x5, a copy of
    binary when given (the original is never moved or changed), else a placeholder file."""
    target = _aws(root, host) / version / platform / f"terraform-provider-aws_v{version}_x5"
    target.parent.mkdir(parents=True, exist_ok=True)
    if binary is not None:
        shutil.copy2(binary, target)
    else:
        target.write_bytes(b"\x7fELF placeholder")
    target.chmod(0o755)
    return root


def packed(root: Path, version: str, platform: str, *, binary: Path | None = None, host: str = HOST) -> Path:
    """The packed layout with the JSON index `terraform providers mirror` writes beside it; the zip
    holds a copy of binary when given (stored, not compressed: it is large), else nothing."""
    folder = _aws(root, host)
    archive = f"terraform-provider-aws_{version}_{platform}.zip"
    with zipfile.ZipFile(folder / archive, "w", compression=zipfile.ZIP_STORED) as zf:
        if binary is not None:
            info = zipfile.ZipInfo(f"terraform-provider-aws_v{version}_x5")
            info.external_attr = 0o755 << 16
            with binary.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
    index = folder / "index.json"
    versions = json.loads(index.read_text())["versions"] if index.exists() else {}
    index.write_text(json.dumps({"versions": {**versions, version: {}}}))
    listing = folder / f"{version}.json"
    archives = json.loads(listing.read_text())["archives"] if listing.exists() else {}
    listing.write_text(json.dumps({"archives": {**archives, platform: {"url": archive, "hashes": []}}}))
    return root


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "mirror-ca.pem", folder / "mirror-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no request lines on the test's stderr
        pass


@contextmanager
def https_folder(root: Path, work: Path) -> Iterator[tuple[str, Path]]:
    """Serve root over HTTPS on a free loopback port; yield (base URL, CA file to trust)."""
    cert_file, key_file = _self_signed(work)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/", cert_file
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
