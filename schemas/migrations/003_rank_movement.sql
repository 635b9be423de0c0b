-- Band-aware comparison of two published positions, shared by every query that shows a change.
-- 'up' only when the new range lies entirely above (better than) the old one, 'down' when it
-- lies entirely below, 'same' when the ranges overlap, 'new' when either has no rank.
CREATE OR REPLACE MACRO rank_movement(low, high, prev_low, prev_high) AS
    CASE
        WHEN low IS NULL OR prev_low IS NULL THEN 'new'
        WHEN coalesce(high, 1000000) < prev_low THEN 'up'
        WHEN low > coalesce(prev_high, 1000000) THEN 'down'
        ELSE 'same'
    END;
