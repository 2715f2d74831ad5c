"""Every blueprint of the app, in one list."""

from .accounts.views import bp as auth
from .centres.views import bp as centres
from .grading.views import bp as grading
from .referential.views import bp as referential
from .results.views import bp as results
from .sessions.views import bp as sessions
from .submissions.views import bp as submissions
from .web.views import bp as web

BLUEPRINTS = (web, auth, referential, sessions, centres, submissions, grading, results)
