-- The warehouse contract of docs/warehouse.md: every table users and checks may query.

CREATE SEQUENCE batch_seq START 1;

CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO app_meta VALUES ('data_version', '0'), ('demo', 'false');

-- Rankings ----------------------------------------------------------------------------
CREATE TABLE ranking_systems (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, publisher VARCHAR, scope VARCHAR
);
CREATE TABLE ranking_methodology (
    ranking VARCHAR NOT NULL, edition_from INTEGER NOT NULL, edition_to INTEGER,
    indicator VARCHAR NOT NULL, name VARCHAR NOT NULL, weight DOUBLE,
    PRIMARY KEY (ranking, edition_from, indicator)
);
CREATE TABLE institutions (
    name VARCHAR PRIMARY KEY, aliases VARCHAR[], country VARCHAR,
    is_home BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE ranking_results (
    ranking VARCHAR NOT NULL, year INTEGER NOT NULL, institution VARCHAR NOT NULL,
    country VARCHAR, rank_display VARCHAR, rank_low INTEGER, rank_high INTEGER,
    is_tie BOOLEAN, is_band BOOLEAN, overall_score DOUBLE, source VARCHAR,
    batch_id BIGINT,
    PRIMARY KEY (ranking, year, institution)
);
CREATE TABLE ranking_indicator_scores (
    ranking VARCHAR NOT NULL, year INTEGER NOT NULL, institution VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL, score DOUBLE, rank_display VARCHAR, rank_low INTEGER,
    rank_high INTEGER, batch_id BIGINT,
    PRIMARY KEY (ranking, year, institution, indicator)
);

-- Academic mobility -------------------------------------------------------------------
CREATE TABLE mobility (
    mobility_id VARCHAR PRIMARY KEY, academic_year VARCHAR NOT NULL,
    participant_category VARCHAR NOT NULL, participant_code VARCHAR NOT NULL, gender VARCHAR,
    citizenship VARCHAR, faculty VARCHAR, direction VARCHAR NOT NULL, scope VARCHAR NOT NULL,
    format VARCHAR, purpose VARCHAR, program VARCHAR, partner_institution VARCHAR,
    partner_country VARCHAR, partner_city VARCHAR, start_date DATE, end_date DATE,
    duration_days INTEGER, duration_type VARCHAR, funding_source VARCHAR,
    gpa_at_selection DOUBLE, credits_planned DOUBLE, credits_earned DOUBLE,
    credits_recognized DOUBLE, credits_failed DOUBLE, status VARCHAR NOT NULL,
    report_date DATE, batch_id BIGINT
);

-- Partners and agreements -------------------------------------------------------------
CREATE TABLE agreements (
    agreement_id VARCHAR PRIMARY KEY, partner_institution VARCHAR NOT NULL,
    partner_country VARCHAR NOT NULL, partner_city VARCHAR, agreement_type VARCHAR NOT NULL,
    signed_date DATE, valid_until DATE, status VARCHAR NOT NULL, faculty VARCHAR,
    quota_students_out INTEGER, quota_students_in INTEGER, quota_staff INTEGER,
    contact_name VARCHAR, contact_email VARCHAR, website VARCHAR, notes VARCHAR,
    batch_id BIGINT
);

-- Programmes, licences, accreditation -------------------------------------------------
CREATE TABLE programs (
    program_code VARCHAR PRIMARY KEY, name_ky VARCHAR, name_ru VARCHAR, name_en VARCHAR,
    level VARCHAR NOT NULL, faculty VARCHAR NOT NULL, language VARCHAR,
    status VARCHAR NOT NULL, batch_id BIGINT
);
CREATE TABLE licenses (
    license_no VARCHAR PRIMARY KEY, program_code VARCHAR, issued_on DATE NOT NULL,
    valid_until DATE, issuer VARCHAR, status VARCHAR NOT NULL, batch_id BIGINT
);
CREATE TABLE accreditations (
    accreditation_id VARCHAR PRIMARY KEY, scope VARCHAR NOT NULL, program_code VARCHAR,
    agency VARCHAR NOT NULL, agency_country VARCHAR, kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL, decision_date DATE, valid_from DATE, valid_until DATE,
    certificate_no VARCHAR, batch_id BIGINT
);
CREATE TABLE action_items (
    item_id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, source_id VARCHAR,
    recommendation VARCHAR NOT NULL, owner VARCHAR, due_date DATE, status VARCHAR NOT NULL,
    closed_on DATE, batch_id BIGINT
);

-- Strategy KPIs -----------------------------------------------------------------------
CREATE TABLE kpi_definitions (
    code VARCHAR PRIMARY KEY, name_ky VARCHAR NOT NULL, name_ru VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL, unit VARCHAR NOT NULL, direction VARCHAR NOT NULL,
    category VARCHAR NOT NULL, owner VARCHAR, batch_id BIGINT
);
CREATE TABLE kpi_targets (
    code VARCHAR NOT NULL, year INTEGER NOT NULL, unit_scope VARCHAR NOT NULL,
    target DOUBLE NOT NULL, batch_id BIGINT,
    PRIMARY KEY (code, year, unit_scope)
);
CREATE TABLE kpi_values (
    code VARCHAR NOT NULL, year INTEGER NOT NULL, unit_scope VARCHAR NOT NULL,
    value DOUBLE NOT NULL, source VARCHAR, batch_id BIGINT,
    PRIMARY KEY (code, year, unit_scope)
);

-- Academic quality (aggregated or pseudonymous) ---------------------------------------
CREATE TABLE exam_results (
    academic_year VARCHAR NOT NULL, semester INTEGER NOT NULL, faculty VARCHAR,
    program_code VARCHAR NOT NULL, course_year INTEGER NOT NULL, session_type VARCHAR NOT NULL,
    students_total INTEGER, students_passed INTEGER, avg_score DOUBLE, grade_a INTEGER,
    grade_b INTEGER, grade_c INTEGER, grade_d INTEGER, grade_f INTEGER, batch_id BIGINT,
    PRIMARY KEY (academic_year, semester, program_code, course_year, session_type)
);
CREATE TABLE graduates (
    academic_year VARCHAR NOT NULL, faculty VARCHAR, program_code VARCHAR NOT NULL,
    level VARCHAR, graduates_total INTEGER, with_honours INTEGER,
    employed_within_year INTEGER, batch_id BIGINT,
    PRIMARY KEY (academic_year, program_code)
);
CREATE TABLE staff_composition (
    year INTEGER NOT NULL, faculty VARCHAR NOT NULL, department VARCHAR NOT NULL,
    headcount INTEGER, fte DOUBLE, doctors_of_science INTEGER, candidates_of_science INTEGER,
    phd_holders INTEGER, professors INTEGER, associate_professors INTEGER,
    international_staff INTEGER, batch_id BIGINT,
    PRIMARY KEY (year, faculty, department)
);
CREATE TABLE staff_rating (
    year INTEGER NOT NULL, staff_code VARCHAR NOT NULL, faculty VARCHAR, department VARCHAR,
    position VARCHAR, teaching_score DOUBLE, research_score DOUBLE, service_score DOUBLE,
    total_score DOUBLE, batch_id BIGINT,
    PRIMARY KEY (year, staff_code)
);
CREATE TABLE survey_results (
    survey_code VARCHAR NOT NULL, academic_year VARCHAR NOT NULL,
    respondent_group VARCHAR NOT NULL, faculty VARCHAR, question_code VARCHAR NOT NULL,
    question_ky VARCHAR, question_ru VARCHAR, question_en VARCHAR, responses INTEGER,
    mean_score DOUBLE, share_satisfied DOUBLE, batch_id BIGINT
);

-- Audit -------------------------------------------------------------------------------
CREATE TABLE upload_batches (
    batch_id BIGINT PRIMARY KEY, dataset VARCHAR NOT NULL, file_name VARCHAR,
    file_sha256 VARCHAR, uploaded_by VARCHAR, uploaded_at TIMESTAMP NOT NULL,
    mode VARCHAR NOT NULL, rows_in INTEGER NOT NULL, rows_loaded INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL, status VARCHAR NOT NULL,
    rows_new INTEGER, rows_changed INTEGER, rows_unchanged INTEGER,
    rolled_back_at TIMESTAMP,
    CHECK (rows_in = rows_loaded + rows_rejected)
);
CREATE TABLE rejected_rows (
    batch_id BIGINT NOT NULL, sheet VARCHAR, row_number INTEGER, "column" VARCHAR,
    value VARCHAR, problem VARCHAR, row_data VARCHAR
);
CREATE TABLE audit_log ("at" TIMESTAMP NOT NULL, "user" VARCHAR, action VARCHAR NOT NULL, detail VARCHAR);
CREATE TABLE users (
    username VARCHAR PRIMARY KEY, display_name VARCHAR, password_hash VARCHAR,
    roles VARCHAR[], active BOOLEAN NOT NULL DEFAULT true
);

-- Rollback: the earlier version of every row an upload replaced, so undo is exact.
CREATE TABLE hist_ranking_results AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM ranking_results LIMIT 0;
CREATE TABLE hist_ranking_indicator_scores AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM ranking_indicator_scores LIMIT 0;
CREATE TABLE hist_mobility AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM mobility LIMIT 0;
CREATE TABLE hist_agreements AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM agreements LIMIT 0;
CREATE TABLE hist_programs AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM programs LIMIT 0;
CREATE TABLE hist_licenses AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM licenses LIMIT 0;
CREATE TABLE hist_accreditations AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM accreditations LIMIT 0;
CREATE TABLE hist_action_items AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM action_items LIMIT 0;
CREATE TABLE hist_kpi_definitions AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM kpi_definitions LIMIT 0;
CREATE TABLE hist_kpi_targets AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM kpi_targets LIMIT 0;
CREATE TABLE hist_kpi_values AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM kpi_values LIMIT 0;
