"""RabbitMQ for the engine's tests: its address (RABBITMQ_TEST_URL, default the local guest account), and a queue
name of its own per test, deleted afterwards."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pika
import pytest

RABBITMQ_URL = os.environ.get("RABBITMQ_TEST_URL", "amqp://guest:guest@127.0.0.1:5672/")


def rabbitmq_reachable() -> bool:
    parts = urlsplit(RABBITMQ_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def broker_env(process_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """process_env on Dramatiq over RabbitMQ, with queues of this test's own (deleted at the end)."""
    if not rabbitmq_reachable():
        why = f"RabbitMQ is not reachable at {RABBITMQ_URL} (scripts/check.sh starts it)"
        if os.environ.get("CI"):
            pytest.fail(why)  # CI's check.sh starts it: a missing broker there is a broken run, not a skip
        pytest.skip(why)
    name = f"careloop-test-{uuid.uuid4().hex[:8]}"
    yield {**process_env, "CARELOOP_BROKER_URL": RABBITMQ_URL, "CARELOOP_QUEUE_NAME": name}
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    try:
        channel = connection.channel()
        for queue in (name, f"{name}-listen"):
            for suffix in ("", ".DQ", ".XQ"):
                channel.queue_delete(queue + suffix)
    finally:
        connection.close()
