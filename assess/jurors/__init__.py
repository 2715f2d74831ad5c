"""The juror pool and profiles: a juror's own profile and availability, the admins' list of
their pool's jurors and their edits (read by the jury composition rules)."""
