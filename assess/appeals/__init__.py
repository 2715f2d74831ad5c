"""Appeals (recours) against published results: filed, answered, re-deliberated."""
