-- Whether the text speaks of an event as past or still to come (past, future, unknown), so that a
-- report can show what is scheduled.
alter table event add column if not exists date_direction varchar;
