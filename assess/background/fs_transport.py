"""kombu's filesystem transport, made safe for a web process and a worker sharing a folder.

kombu 5.x writes a message file in place (a consumer polling the folder can list it
while it is still empty and drop it as unreadable) and claims a file by moving it to
the system temp dir (a copy, not an atomic rename, when /tmp is another file system,
so two consumers may both get it). Here a message is written to a hidden temp file
then renamed into the queue, and claimed by an atomic rename into a sibling folder.

What stays true of any filesystem queue: a message is gone from the folder once a
worker has taken it. A worker killed before finishing it loses it (a warm shutdown
puts unacknowledged messages back); the outbox sweep republishes the row.
URL: ``assessfs://localhost/`` (alias registered in ``assess.background.celery_app``).
"""

from __future__ import annotations

import os
import time
import uuid
from queue import Empty

from kombu.transport import filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads
from kombu.utils.objects import cached_property


class Channel(filesystem.Channel):
    @cached_property
    def claim_folder(self) -> str:
        folder = self.transport_options.get("claim_folder") or os.path.join(
            self.data_folder_in, ".claimed")
        os.makedirs(folder, exist_ok=True)
        return folder

    def _put(self, queue, payload, **kwargs):
        # Zero-padded wall-clock time: names sort in sending order, across processes
        # and reboots. The leading dot hides the temp file from _get.
        name = f"{time.time_ns():020d}_{uuid.uuid4().hex}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temp = os.path.join(self.data_folder_out, f".{name}.tmp")
        try:
            with open(temp, "wb") as fh:
                fh.write(str_to_bytes(dumps(payload)))
            os.replace(temp, final)  # the consumer sees the whole file or nothing
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        wanted = f"{queue}.msg"
        folder = self.data_folder_in
        for name in sorted(os.listdir(folder)):
            if name.startswith(".") or name.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(self.claim_folder, name)
            try:
                os.rename(os.path.join(folder, name), claimed)  # exactly one consumer wins
            except FileNotFoundError:
                continue
            try:
                with open(claimed, "rb") as fh:
                    payload = fh.read()
                self._dispose(claimed, name)
            except OSError as exc:
                raise filesystem.ChannelError(f"Cannot read file {claimed!r}") from exc
            return loads(bytes_to_str(payload))
        raise Empty()

    def _dispose(self, claimed: str, name: str) -> None:
        if self.store_processed:
            os.replace(claimed, os.path.join(self.processed_folder, name))
        else:
            os.remove(claimed)

    def _size(self, queue):
        wanted = f"{queue}.msg"
        return sum(1 for name in os.listdir(self.data_folder_in)
                   if not name.startswith(".") and name.partition(".")[2] == wanted)


class Transport(filesystem.Transport):
    """kombu keeps the exchange bindings it has written in one process-wide state; kept
    per control folder here, or a process using a second folder (tests build many apps)
    skips writing the binding there and its messages are routed nowhere."""

    Channel = Channel
    _states: dict[str, virtual.BrokerState] = {}

    def __init__(self, client, **kwargs):
        super().__init__(client, **kwargs)
        folder = os.path.abspath(client.transport_options.get("control_folder", "control"))
        self.state = self._states.setdefault(folder, virtual.BrokerState())
