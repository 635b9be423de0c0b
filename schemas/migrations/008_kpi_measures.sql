-- A strategy KPI may point at an academic quality measure (sapat/queries/measures.py): its
-- values are then computed from the warehouse instead of uploaded. One measure per KPI. No
-- foreign key to kpi_definitions: uploads and undo replace definitions by delete and insert,
-- which a reference would refuse; a link whose KPI is gone is simply not used.
CREATE TABLE kpi_measures (
    code VARCHAR PRIMARY KEY,
    measure VARCHAR NOT NULL,
    linked_by VARCHAR,
    linked_at TIMESTAMP
);
