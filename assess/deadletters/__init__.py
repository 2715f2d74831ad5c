"""The outbox's dead letters and pending rows, for the certifier's admins (/admin/messages)."""
