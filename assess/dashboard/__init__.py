"""A session's dashboard for its admins: counts, progress per épreuve and over time, the
candidate list with search, filters, pagination and exports."""
