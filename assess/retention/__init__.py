"""Retention: how long each kind of document is kept, set by the certifier, and the
periodic purge of what is past its period (recorded, idempotent, never a PV or an award)."""
