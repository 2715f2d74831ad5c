"""Conflicts of interest: the links a juror declares with candidates, and those an admin
records; a declared link takes the juror off that candidate's work at once."""
