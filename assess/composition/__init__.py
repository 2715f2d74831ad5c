"""What the jury composition rules (workflows.jury_rules) read and find, for juries, oral
panels and the session's move to grading. Imports only models, so that sessions, juries
and orals can all ask it without an import cycle between them."""
