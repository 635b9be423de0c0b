"""Code lists (enumerations) of the warehouse, stored in English snake_case."""

RANKINGS = (
    "qs_wur",
    "qs_asia",
    "qs_eeca",
    "qs_sustainability",
    "the_wur",
    "the_impact",
    "arwu",
    "cwur",
    "webometrics",
    "greenmetric",
    "national_kg",
    "iaar_kg",
    "rur",
    "usnews_bgu",
)

PARTICIPANT_CATEGORY = (
    "student_college",
    "student_bachelor",
    "student_master",
    "student_phd",
    "academic_staff",
    "admin_staff",
)
GENDER = ("female", "male")
DIRECTION = ("outgoing", "incoming")
MOBILITY_SCOPE = ("international", "domestic")
MOBILITY_FORMAT = ("physical", "virtual", "blended")
PURPOSE = (
    "study",
    "internship",
    "research",
    "teaching",
    "training",
    "conference",
    "summer_school",
    "language_course",
)
MOBILITY_PROGRAM = (
    "erasmus_plus",
    "mevlana",
    "daad",
    "itec",
    "sco_university",
    "cis_network_university",
    "orhun",
    "osh_declaration",
    "bilateral_agreement",
    "individual_invitation",
    "other",
)
FUNDING_SOURCE = ("program_grant", "university", "host", "self_funded", "state", "other")
DURATION_TYPE = ("short", "long")
MOBILITY_STATUS = (
    "applied",
    "selected",
    "departed",
    "completed",
    "report_submitted",
    "withdrawn",
)

AGREEMENT_TYPE = (
    "memorandum",
    "cooperation",
    "double_degree",
    "joint_program",
    "erasmus_iia",
    "exchange",
)
AGREEMENT_STATUS = ("draft", "active", "expired", "terminated")

PROGRAM_LEVEL = ("college", "bachelor", "specialist", "master", "phd", "residency")
PROGRAM_STATUS = ("active", "suspended", "closed")
LICENSE_STATUS = ("active", "suspended", "revoked", "expired")
ACCREDITATION_SCOPE = ("institutional", "program")
ACCREDITATION_KIND = ("national", "international")
ACCREDITATION_STATUS = (
    "planned",
    "self_assessment",
    "site_visit",
    "accredited",
    "conditional",
    "denied",
    "expired",
)
ACTION_SOURCE = ("accreditation", "internal_audit", "external_audit", "licensing")
ACTION_STATUS = ("open", "in_progress", "done", "cancelled")

KPI_UNIT = ("count", "percent", "ratio", "score", "som", "usd", "rank")
KPI_DIRECTION = ("higher_is_better", "lower_is_better")
KPI_CATEGORY = ("strategy", "ranking", "licensing")

BATCH_STATUS = ("committed", "rejected", "rolled_back")
UPLOAD_MODE = ("strict", "valid_rows")

SESSION_TYPE = ("regular", "retake", "state_attestation")
RESPONDENT_GROUP = ("students", "staff", "graduates", "employers")
STAFF_POSITION = (
    "professor",
    "associate_professor",
    "senior_lecturer",
    "lecturer",
    "assistant",
)
