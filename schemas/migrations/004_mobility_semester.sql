-- The semester of the study programme during which a mobility takes place (1–12; NULL for
-- staff): the regulation's rules on first-year bachelors and master's students need it.
ALTER TABLE mobility ADD COLUMN study_semester INTEGER;

-- hist_mobility must stay "mobility's columns in order, then replaced_by": the loader copies
-- rows positionally (SELECT t.*, batch_id). Adding the column at its end would put it after
-- replaced_by, so the history table is rebuilt in the right order, its rows kept by name.
CREATE TABLE hist_mobility_004 AS
    SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM mobility LIMIT 0;
INSERT INTO hist_mobility_004 BY NAME SELECT * FROM hist_mobility;
DROP TABLE hist_mobility;
ALTER TABLE hist_mobility_004 RENAME TO hist_mobility;
