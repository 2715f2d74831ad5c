"""Attachments drawn when the e-mail is sent, rather than stored beforehand.

An attachment of a notification is either a file already in the storage
(``{"filename", "mime", "key"}``: a convocation's PDF and ``.ics``) or a document the
worker draws at send time (``{"filename", "mime", "render": name, ...arguments}``: the
accusé de dépôt, which the candidate can also download and is the same drawing). Each
feature registers its renderers in its own ``tasks.py``, as it registers its handlers,
so that notifications need not import it."""

from __future__ import annotations

from collections.abc import Callable

RENDERERS: dict[str, Callable[[dict], bytes]] = {}


def renderer(name: str):
    def register(fn: Callable[[dict], bytes]) -> Callable[[dict], bytes]:
        if name in RENDERERS and RENDERERS[name] is not fn:
            raise ValueError(f"attachment renderer {name!r} registered twice")
        RENDERERS[name] = fn
        return fn

    return register


def draw(item: dict) -> bytes:
    render = RENDERERS.get(item["render"])
    if render is None:
        raise LookupError(f"no attachment renderer for {item['render']!r}")
    return render(item)
