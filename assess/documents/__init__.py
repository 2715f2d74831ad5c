"""Attestations de bloc and the certificate (parchemin): issued once a candidate's results
are published, sealed as PDFs, offered as Open Badges 3.0 credentials, verified by anyone
at ``/verify/<code>``, revoked by the certifier."""
