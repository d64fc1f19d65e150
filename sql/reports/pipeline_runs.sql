-- Pipeline runs: every run, what it read and what became of it, newest first.
select
    run_id, started_at, finished_at, pipeline_version, documents, articles, duplicates, rejected, unchanged,
    seconds_by_stage
from pipeline_run
order by started_at desc
