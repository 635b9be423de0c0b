-- One institution, many spellings: staff type partner names by hand in the mobility register,
-- the register of agreements writes them as signed, ranking tables as published.

-- The matching form of a name: NFC (so a decomposed "й" equals the precomposed one), lower
-- case, ё read as е, and every character that is neither a letter nor a digit (in any script:
-- Cyrillic and Kyrgyz ү ө ң survive) removed. "Uni X " and "uni-x." both become "unix".
CREATE OR REPLACE MACRO norm_name(x) AS
    regexp_replace(replace(lower(nfc_normalize(x)), 'ё', 'е'), '[^\p{L}\p{N}]', '', 'g');

-- Every known spelling (an institution's own name and each of its aliases) → its canonical
-- name. A spelling listed for two institutions resolves to the one whose own name it is,
-- otherwise to the first canonical name alphabetically: one key never yields two rows, so a
-- join through this view never double-counts.
CREATE OR REPLACE VIEW institution_keys AS
WITH spellings AS (
    SELECT norm_name(name) AS key, name AS canonical, 0 AS own_name_first FROM institutions
    UNION ALL
    SELECT norm_name(alias) AS key, name AS canonical, 1 AS own_name_first
    FROM (SELECT name, unnest(aliases) AS alias FROM institutions)
)
SELECT key, canonical
FROM spellings
WHERE key IS NOT NULL AND key <> ''
QUALIFY row_number() OVER (PARTITION BY key ORDER BY own_name_first, canonical) = 1;
