-- The reference datasets become uploads like any other: the university's faculties with
-- their names in ky/ru/en, and the institutions table with city, peer group and ROR id.
CREATE TABLE faculties (
    code VARCHAR PRIMARY KEY,
    name_ky VARCHAR NOT NULL, name_ru VARCHAR NOT NULL, name_en VARCHAR NOT NULL,
    short_ky VARCHAR, short_ru VARCHAR, short_en VARCHAR,
    active BOOLEAN,
    batch_id BIGINT
);
CREATE TABLE hist_faculties AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM faculties LIMIT 0;

ALTER TABLE institutions ADD COLUMN city VARCHAR;
ALTER TABLE institutions ADD COLUMN peer_group VARCHAR;
ALTER TABLE institutions ADD COLUMN ror_id VARCHAR;
ALTER TABLE institutions ADD COLUMN batch_id BIGINT;
CREATE TABLE hist_institutions AS
    SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM institutions LIMIT 0;
