-- Ranking systems met in published tables: the Round University Ranking, U.S. News Best Global
-- Universities, and THE Impact Rankings' overall table, with their published weights (percent).

INSERT INTO ranking_systems VALUES
    ('rur', 'Round University Ranking (World)', 'RUR Rankings Agency', 'world'),
    ('usnews_bgu', 'U.S. News Best Global Universities', 'U.S. News & World Report', 'world');
-- The table Sapat imports is Impact's overall ranking, not one of its per-SDG tables.
UPDATE ranking_systems SET name = 'THE Impact Rankings (overall)' WHERE code = 'the_impact';

INSERT INTO ranking_methodology VALUES
    -- RUR: 20 indicators in four areas, five each (8% each in teaching and research, 2% in
    -- the other two); the areas are what published tables break the score into.
    ('rur', 2010, NULL, 'teaching', 'Teaching', 40),
    ('rur', 2010, NULL, 'research', 'Research', 40),
    ('rur', 2010, NULL, 'international_diversity', 'International diversity', 10),
    ('rur', 2010, NULL, 'financial_sustainability', 'Financial sustainability', 10),
    -- U.S. News Best Global Universities, 2019-2020 to 2022-2023 editions (13 indicators).
    ('usnews_bgu', 2020, 2023, 'global_research_reputation', 'Global research reputation', 12.5),
    ('usnews_bgu', 2020, 2023, 'regional_research_reputation', 'Regional research reputation', 12.5),
    ('usnews_bgu', 2020, 2023, 'publications', 'Publications', 10),
    ('usnews_bgu', 2020, 2023, 'books', 'Books', 2.5),
    ('usnews_bgu', 2020, 2023, 'conferences', 'Conferences', 2.5),
    ('usnews_bgu', 2020, 2023, 'normalized_citation_impact', 'Normalized citation impact', 10),
    ('usnews_bgu', 2020, 2023, 'total_citations', 'Total citations', 7.5),
    ('usnews_bgu', 2020, 2023, 'top10_cited_publications', 'Publications among the 10% most cited', 12.5),
    ('usnews_bgu', 2020, 2023, 'top10_cited_share', 'Share of publications among the 10% most cited', 10),
    ('usnews_bgu', 2020, 2023, 'international_collaboration_relative', 'International collaboration relative to country', 5),
    ('usnews_bgu', 2020, 2023, 'international_collaboration', 'International collaboration', 5),
    ('usnews_bgu', 2020, 2023, 'highly_cited_papers', 'Highly cited papers (top 1%)', 5),
    ('usnews_bgu', 2020, 2023, 'highly_cited_share', 'Share of highly cited papers (top 1%)', 5),
    -- THE Impact overall: SDG 17 (partnerships) always counts; the university's best three
    -- other SDGs complete the score.
    ('the_impact', 2019, NULL, 'sdg17_partnerships', 'SDG 17: partnerships for the goals', 22),
    ('the_impact', 2019, NULL, 'best_sdg_1', 'Best other SDG', 26),
    ('the_impact', 2019, NULL, 'best_sdg_2', 'Second-best other SDG', 26),
    ('the_impact', 2019, NULL, 'best_sdg_3', 'Third-best other SDG', 26);
