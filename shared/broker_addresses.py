"""The broker's addresses as `NEWSFLOW_RABBITMQ_URL` gives them: one AMQP URL, or one per cluster node,
comma-separated (`amqp://u:p@rabbit-1:5672/v,amqp://u:p@rabbit-2:5672/v`).

Only a comma followed by a scheme separates two addresses, so a comma inside a password or a query stays
part of its URL.
"""

import re
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("amqp://", "amqps://")
_SEPARATOR = re.compile(r"\s*,\s*(?=amqps?://)")


def split_addresses(value: str) -> tuple[str, ...]:
    """Each address of the setting, in order; ValueError when one is not an AMQP URL with a host."""
    addresses = tuple(_SEPARATOR.split(value.strip()))
    for address in addresses:
        if not address.startswith(SCHEMES):
            raise ValueError(f"each address must start with {' or '.join(SCHEMES)}")
        parts = urlsplit(address)
        try:
            parts.port  # noqa: B018  # parsed only to refuse a malformed port now, not at the first connection
        except ValueError as exc:
            raise ValueError(f"malformed address {redacted(address)}: {exc}") from None
        if not parts.hostname:
            raise ValueError(f"address {redacted(address)} names no host")
        if "," in parts.path or "," in parts.netloc.rpartition("@")[2]:
            raise ValueError("give each node as a full amqp:// or amqps:// URL, comma-separated")
    if len(set(addresses)) != len(addresses):
        raise ValueError("an address is listed twice")
    return addresses


def redacted(address: str) -> str:
    """The address without its password, for logs and error messages."""
    parts = urlsplit(address)
    if parts.password is None:
        return address
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
