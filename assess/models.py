"""Every table, imported once so that the metadata (and Alembic) knows them all."""

from .accommodations.models import Accommodation, AccommodationMeasure
from .accounts.models import LoginFailure, Role, ThrottleKind, User
from .attendance.models import Attendance, ExamAttendance
from .audit.models import AuditEvent
from .candidates.models import AccessRoute, Candidate, CandidateImport, Enrolment, enrolment_blocks
from .centres.models import TrainingCentre
from .certification.models import Certification
from .convocations.models import Convocation
from .cpf.models import CpfDeclaration, CpfExport, CpfReport  # noqa: F401
from .decisions.models import (
    Appeal,
    BlockDecision,
    Deliberation,
    LevelDecision,
    Minutes,
    MinutesSignature,
    appeal_files,
)
from .documents.models import DocumentKind, IssuedDocument  # noqa: F401
from .grading.models import CriterionMark, GradingSheet, SheetStatus
from .jobs.models import Job, JobStatus
from .juries.models import (
    Assignment,
    ConflictOfInterest,
    JurorAvailability,
    Jury,
    JuryMember,
    LinkKind,
    MemberRole,
    juror_affiliations,
    juror_blocks,
    juror_centres,
)
from .notifications.models import Notification, NotificationStatus
from .orals.models import OralPanelMember, OralPlan, OralSlot
from .outbox.models import OutboxMessage
from .referential.models import Block, Criterion, LevelCode, ReferentialVersion
from .results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
from .retention.models import RetentionPeriod, RetentionPurge  # noqa: F401
from .sessions.models import CertificationSession, Exam, ExamPart, PartKind, SessionStatus
from .submissions.models import (
    DeadlineExtension,
    DeliverableSetting,
    StoredFile,
    Submission,
    SubmissionStatus,
    SubmittedLink,
)

__all__ = [
    "Appeal", "appeal_files", "BlockDecision", "Deliberation", "LevelDecision", "Minutes",
    "MinutesSignature",
    "AccessRoute", "ConflictOfInterest", "JurorAvailability", "LinkKind", "OralPanelMember", "juror_affiliations", "juror_blocks", "Accommodation", "AccommodationMeasure", "Assignment", "Attendance", "AuditEvent", "Block", "BlockOutcome", "BlockResult",
    "Candidate", "CandidateImport", "Certification", "Convocation", "CertificationSession", "Criterion", "CriterionMark", "Enrolment", "Exam",
    "ExamAttendance", "ExamPart", "GradingSheet", "Job", "JobStatus", "Jury", "JuryMember", "LevelCode",
    "LoginFailure",
    "MemberRole", "Notification", "NotificationStatus", "OralPlan", "OralSlot", "OutboxMessage", "PartKind",
    "ReferentialVersion", "Role", "SessionStatus", "SheetStatus", "StoredFile", "Submission", "SubmittedLink", "DeadlineExtension", "DeliverableSetting",
    "SubmissionStatus", "ThrottleKind", "TitleOutcome", "TitleResult", "TrainingCentre", "User",
    "enrolment_blocks", "juror_centres",
]
