-- Council decks as they were built: what the Council saw stays reproducible.
CREATE SEQUENCE report_seq START 1;
CREATE TABLE report_snapshots (
    report_id BIGINT PRIMARY KEY,
    academic_year VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    sections VARCHAR[] NOT NULL,
    data_version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    slides INTEGER NOT NULL,
    deck BLOB NOT NULL
);
