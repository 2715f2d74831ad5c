"""The right of access (RGPD): one zip of everything the platform holds about a candidate."""
