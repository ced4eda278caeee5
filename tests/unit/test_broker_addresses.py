"""`NEWSFLOW_RABBITMQ_URL` with one address or one per cluster node: what is accepted, what is refused."""

import pytest
from pydantic import ValidationError

from shared.broker import Failover
from shared.broker_addresses import redacted, split_addresses
from shared.settings import BrokerSettings

NODES = "amqp://u:p@rabbit-1:5672/newsflow,amqp://u:p@rabbit-2:5672/newsflow, amqps://u:p@rabbit-3:5671/newsflow"


def test_one_url_is_one_address() -> None:
    assert split_addresses("amqp://guest:guest@127.0.0.1:5672/") == ("amqp://guest:guest@127.0.0.1:5672/",)


def test_a_comma_separated_list_keeps_its_order() -> None:
    assert split_addresses(NODES) == (
        "amqp://u:p@rabbit-1:5672/newsflow",
        "amqp://u:p@rabbit-2:5672/newsflow",
        "amqps://u:p@rabbit-3:5671/newsflow",
    )


def test_a_comma_inside_a_password_or_query_is_not_a_separator() -> None:
    url = "amqp://u:a,b@rabbit-1/v?heartbeat=10,amqp://u:a,b@rabbit-2/v"
    assert split_addresses(url) == ("amqp://u:a,b@rabbit-1/v?heartbeat=10", "amqp://u:a,b@rabbit-2/v")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("http://rabbit:15672", "must start with amqp://"),
        ("amqp://rabbit-1/,rabbit-2", "each node as a full"),  # a bare host after the comma
        ("amqp://rabbit-1,rabbit-2/", "each node as a full"),
        ("amqp://u:p@rabbit-1/,", "each node as a full"),
        ("amqp:///newsflow", "names no host"),
        ("amqp://rabbit-1:notaport/", "malformed address"),
        ("amqp://rabbit-1/,amqp://rabbit-1/", "listed twice"),
    ],
)
def test_malformed_lists_are_refused(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        split_addresses(value)


def test_settings_accept_a_list_and_refuse_a_bad_member_at_start() -> None:
    assert BrokerSettings(rabbitmq_url=NODES).rabbitmq_url == NODES
    with pytest.raises(ValidationError, match="names no host"):
        BrokerSettings(rabbitmq_url="amqp://u:p@rabbit-1/,amqp://u:p@/")


def test_a_password_never_shows_in_a_redacted_address() -> None:
    assert redacted("amqp://newsflow:s3cret@rabbit-1:5672/v") == "amqp://newsflow:***@rabbit-1:5672/v"
    assert redacted("amqp://rabbit-1/v") == "amqp://rabbit-1/v"


def test_failover_knows_every_node() -> None:
    assert len(Failover(NODES, name="test").addresses) == 3
