"""Aménagements: what a candidate asks for, what the centre decides, the measures applied
per épreuve, and the supporting document, which is health data: only the admins of the
candidate's centre and the certifier's open it, each opening audited, never exported."""
