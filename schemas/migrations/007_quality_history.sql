-- History tables of the academic quality datasets, so that an upload of them can be undone
-- exactly like any other: "the table's columns in order, then replaced_by" (see 001).
CREATE TABLE hist_exam_results AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM exam_results LIMIT 0;
CREATE TABLE hist_graduates AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM graduates LIMIT 0;
CREATE TABLE hist_staff_composition AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM staff_composition LIMIT 0;
CREATE TABLE hist_staff_rating AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM staff_rating LIMIT 0;
CREATE TABLE hist_survey_results AS SELECT *, CAST(NULL AS BIGINT) AS replaced_by FROM survey_results LIMIT 0;
