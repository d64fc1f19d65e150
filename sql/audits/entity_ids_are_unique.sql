-- Entity ids held by more than one row (a DuckLake has no primary key to refuse them; the end of
-- every run folds them, so rows here mean a run loading the lake has not finished yet).
select entity_id, count(*) as rows_with_this_id
from entity
group by entity_id
having count(*) > 1
