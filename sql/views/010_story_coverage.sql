-- Which outlets report each story, and when it was first and last published; how many of its
-- articles are original reporting and how many reprint another's (wire copy). Digests (round-ups
-- of several stories) belong to none.
create or replace view story_coverage as
with articles as (
    select story_id, article_id, coalesce(source, url, source_uri) as outlet, published_at, title, reprint_of
    from article
    where story_id is not null and not coalesce(is_digest, false)
),

final as (
    select
        story_id,
        count(distinct article_id) as articles,
        count(distinct outlet) as outlets,
        count(distinct article_id) filter (where reprint_of is null) as original_articles,
        count(distinct article_id) filter (where reprint_of is not null) as reprints,
        list(distinct outlet order by outlet) as outlet_names,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at,
        arg_min(title, published_at) as first_title
    from articles
    group by story_id
)

select * from final;
