-- Rows a later upload loaded again unchanged stay attributed to the upload that first wrote
-- them; this records, per pair of uploads, how many, so undoing the earlier one is refused
-- while the later one (which still claims those rows) is committed.
CREATE TABLE batch_reassertions (
    batch_id BIGINT NOT NULL,          -- the later upload that loaded the rows again
    reasserted_batch BIGINT NOT NULL,  -- the upload the unchanged rows still belong to
    rows BIGINT NOT NULL,
    PRIMARY KEY (batch_id, reasserted_batch)
);
