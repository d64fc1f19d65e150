-- Which outlets report each story, and when it was first and last published.
create or replace view story_coverage as
with articles as (
    select story_id, article_id, coalesce(source, url, source_uri) as outlet, published_at, title
    from article
    where story_id is not null
),

final as (
    select
        story_id,
        count(distinct article_id) as articles,
        count(distinct outlet) as outlets,
        list(distinct outlet order by outlet) as outlet_names,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at,
        arg_min(title, published_at) as first_title
    from articles
    group by story_id
)

select * from final;
