"""A candidate's record for the admins of their session: identity, enrolment, what they
handed in (every version), the jurors' submitted sheets, the results and the history."""
