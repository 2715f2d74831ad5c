"""Convocations: one per candidate and épreuve part, a PDF and an .ics event sent by
e-mail through the outbox, sent again (marked as a change) when its date or place
changes, once per version."""
