"""A development CA and the proxy's server certificate, for TLS on the compose stack's published ports.

    python scripts/dev_certificates.py [--dir .data/tls] [--force]

Writes `ca.crt` (give it to clients: `NEWSFLOW_CA_BUNDLE`, `curl --cacert`), `server.crt` and `server.key`
(mounted into the proxy) for `localhost`, `127.0.0.1` and `::1`. The CA's key is deleted once the server
certificate is signed, so the CA can vouch for nothing else. Existing certificates are kept unless --force.
Needs the `openssl` command; standard library otherwise (it runs from `make env`, before any virtualenv).
"""

import argparse
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT / ".data" / "tls"
# Names the server certificate is valid for; clients on the host reach the proxy through loopback.
SUBJECT_ALT_NAMES = "DNS:localhost,IP:127.0.0.1,IP:::1"
VALID_DAYS = 397  # the longest lifetime browsers accept for a server certificate
FILES = ("ca.crt", "server.crt", "server.key")


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def write_certificates(directory: Path, *, force: bool = False) -> bool:
    """Write the CA certificate and the server's certificate and key; False when they exist (and not force)."""
    if not force and all((directory / name).exists() for name in FILES):
        return False
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsflow-ca-") as tmp:
        ca_key, csr, extensions = Path(tmp) / "ca.key", Path(tmp) / "server.csr", Path(tmp) / "server.ext"
        ec_key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
        _openssl(
            "req", "-x509", *ec_key, "-keyout", str(ca_key), "-out", str(directory / "ca.crt"),
            "-days", str(VALID_DAYS), "-subj", "/CN=Newsflow development CA",
            "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
        _openssl(
            "req", "-new", *ec_key, "-keyout", str(directory / "server.key"), "-out", str(csr),
            "-subj", "/CN=localhost",
        )  # fmt: skip
        extensions.write_text(
            f"subjectAltName={SUBJECT_ALT_NAMES}\n"
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid:always\n",
            encoding="utf-8",
        )
        _openssl(
            "x509", "-req", "-in", str(csr), "-CA", str(directory / "ca.crt"), "-CAkey", str(ca_key),
            "-set_serial", f"0x{secrets.token_hex(16)}",
            "-days", str(VALID_DAYS), "-extfile", str(extensions), "-out", str(directory / "server.crt"),
        )  # fmt: skip
    # The proxy runs as an unprivileged user of its own and reads the key through a bind mount; this is a
    # development key for loopback, in a git-ignored folder.
    (directory / "server.key").chmod(0o644)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="where to write them (default .data/tls)")
    parser.add_argument("--force", action="store_true", help="replace existing certificates")
    args = parser.parse_args(argv)
    if write_certificates(args.dir, force=args.force):
        print(f"wrote a development CA and server certificate to {args.dir}", file=sys.stderr)
    else:
        print(f"{args.dir} already holds certificates; left as they are (--force replaces them)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
