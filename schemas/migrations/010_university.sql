-- The university the warehouse belongs to: its names in the three languages, its city and
-- country, and an optional logo. One row; set by `pipelines init`, edited by an admin.
CREATE TABLE university (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name_ky VARCHAR NOT NULL, name_ru VARCHAR NOT NULL, name_en VARCHAR NOT NULL,
    short_ky VARCHAR NOT NULL, short_ru VARCHAR NOT NULL, short_en VARCHAR NOT NULL,
    city VARCHAR, country VARCHAR,
    logo BLOB, logo_type VARCHAR,
    updated_at TIMESTAMP, updated_by VARCHAR
);
