-- Story coverage: each story, the outlets reporting it, first and last publication.
select * from story_coverage
order by outlets desc, articles desc, first_published_at
