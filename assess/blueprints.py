"""Every blueprint of the app, in one list."""

from .accounts.views import bp as auth
from .allocation.views import bp as allocation
from .appeals.views import bp as appeals
from .candidate_record.views import bp as candidate_record
from .candidates.views import bp as candidates
from .centres.views import bp as centres
from .certification.views import bp as certification
from .conflicts.views import bp as conflicts
from .convocations.views import bp as convocations
from .cpf.views import bp as cpf
from .dashboard.views import bp as dashboard
from .deadletters.views import bp as deadletters
from .deliberation.views import bp as deliberation
from .documents.views import bp as documents
from .grading.views import bp as grading
from .juries.views import bp as juries
from .jurors.views import bp as jurors
from .minutes.views import bp as minutes
from .notifications.views import bp as notifications
from .orals.views import bp as orals
from .people.views import bp as people
from .privacy.views import bp as privacy
from .referential.views import bp as referential
from .results.views import bp as results
from .retention.views import bp as retention
from .sessions.views import bp as sessions
from .statistics.views import bp as statistics
from .submissions.views import bp as submissions
from .web.views import bp as web

BLUEPRINTS = (web, auth, referential, certification, sessions, candidates, candidate_record,
              juries, centres, submissions, grading, results, dashboard,
              convocations, people, orals, jurors, conflicts, allocation, deadletters,
              notifications, deliberation, minutes, appeals, privacy, cpf, statistics,
              documents, retention)
