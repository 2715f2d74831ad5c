"""The filesystem broker: whole messages only, each taken by exactly one consumer."""

from __future__ import annotations

import os
import threading
from queue import Empty

import pytest
from kombu import Connection, Exchange, Queue

import assess.background.celery_app  # noqa: F401  (registers the assessfs:// alias)


@pytest.fixture
def folders(tmp_path):
    paths = {name: tmp_path / name for name in ("queue", "control", "claimed")}
    for path in paths.values():
        path.mkdir()
    return paths


def connection(folders) -> Connection:
    return Connection("assessfs://localhost/", transport_options={
        "data_folder_in": str(folders["queue"]), "data_folder_out": str(folders["queue"]),
        "control_folder": str(folders["control"]), "claim_folder": str(folders["claimed"]),
        "polling_interval": 0.01})


QUEUE = Queue("jobs", Exchange("jobs", type="direct"), routing_key="jobs")


def publish(folders, count: int) -> None:
    with connection(folders) as conn:
        producer = conn.Producer(serializer="json")
        for n in range(count):
            producer.publish({"n": n}, exchange=QUEUE.exchange, routing_key="jobs",
                             declare=[QUEUE])


def test_messages_come_back_in_order_and_leave_no_file(folders):
    publish(folders, 3)
    assert len(list(folders["queue"].glob("*.jobs.msg"))) == 3
    with connection(folders) as conn:
        simple = conn.SimpleQueue(QUEUE)
        got = []
        for _ in range(3):
            message = simple.get(timeout=2)
            got.append(message.payload["n"])
            message.ack()
        with pytest.raises(Empty):
            simple.get(timeout=0.1)
        simple.close()
    assert got == [0, 1, 2]
    assert list(folders["queue"].glob("*.msg")) == []
    assert list(folders["claimed"].iterdir()) == []


def test_a_file_still_being_written_is_not_read(folders):
    publish(folders, 0)  # declares the queue
    (folders["queue"] / ".00000000000000000001_x.jobs.msg.tmp").write_bytes(b"{")
    with connection(folders) as conn:
        channel = conn.default_channel
        with pytest.raises(Empty):
            channel._get("jobs")


def test_concurrent_consumers_each_message_once(folders):
    total = 60
    publish(folders, total)
    seen: list[int] = []
    lock = threading.Lock()

    def consume() -> None:
        with connection(folders) as conn:
            channel = conn.channel()
            try:
                while True:
                    payload = channel._get("jobs")
                    with lock:
                        seen.append(payload["body"])
            except Empty:
                pass
            finally:
                channel.close()

    threads = [threading.Thread(target=consume) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(seen) == total and len(set(seen)) == total
    assert os.listdir(folders["queue"]) == []


def test_each_folder_gets_its_own_bindings(tmp_path):
    """One process, two brokers (as tests that build several apps): both receive."""
    for name in ("a", "b"):
        folders = {n: tmp_path / name / n for n in ("queue", "control", "claimed")}
        for path in folders.values():
            path.mkdir(parents=True)
        publish(folders, 1)
        assert len(list(folders["queue"].glob("*.jobs.msg"))) == 1, name
