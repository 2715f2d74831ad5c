"""assess/background/fs_transport.py overrides private methods of kombu's filesystem
transport. pyproject pins kombu below its next major version; this test fails loudly, with
what changed, if a kombu release (even a minor one) changes the shape of what we override
or rely on, so that nobody upgrades kombu and silently loses messages."""

from __future__ import annotations

import inspect

from kombu.transport import filesystem, virtual

from assess.background import fs_transport

# (attribute of filesystem.Channel, its kind, its signature when it is a method)
CHANNEL = {
    "_put": ("method", "(self, queue, payload, **kwargs)"),
    "_get": ("method", "(self, queue)"),
    "_size": ("method", "(self, queue)"),
    "data_folder_in": ("cached_property", None),
    "data_folder_out": ("cached_property", None),
    "store_processed": ("cached_property", None),
    "processed_folder": ("cached_property", None),
    "transport_options": ("property", None),
}


def _kind(value) -> str:
    if isinstance(value, property):
        return "property"
    if type(value).__name__ == "cached_property":
        return "cached_property"
    return "method" if inspect.isfunction(value) else type(value).__name__


def test_the_channel_still_has_the_shape_we_override():
    changed = {}
    for name, (kind, signature) in CHANNEL.items():
        value = inspect.getattr_static(filesystem.Channel, name, None)
        got_kind = _kind(value) if value is not None else "missing"
        got_signature = str(inspect.signature(value)) if got_kind == "method" else None
        if (got_kind, got_signature) != (kind, signature):
            changed[name] = {"expected": (kind, signature), "found": (got_kind, got_signature)}
    assert changed == {}, f"kombu's filesystem.Channel changed: {changed}"


def test_the_transport_still_keeps_its_bindings_in_a_broker_state():
    # Our Transport replaces kombu's process-wide ``global_state`` by one per folder.
    assert isinstance(filesystem.Transport.global_state, virtual.BrokerState)
    assert str(inspect.signature(filesystem.Transport.__init__)) == "(self, client, **kwargs)"
    assert "self.state = self.global_state" in inspect.getsource(filesystem.Transport.__init__)
    assert filesystem.ChannelError is not None
    assert issubclass(fs_transport.Transport, filesystem.Transport)
    assert issubclass(fs_transport.Channel, filesystem.Channel)


def test_our_overrides_keep_the_signatures_kombu_calls():
    for name in ("_put", "_get", "_size"):
        ours = inspect.signature(getattr(fs_transport.Channel, name))
        theirs = inspect.signature(getattr(filesystem.Channel, name))
        assert ours == theirs, name
