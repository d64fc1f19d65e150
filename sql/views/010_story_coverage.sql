-- Which outlets report each story, and when it was first and last published; how many of its
-- articles are original reporting and how many reprint copy: another outlet's article in the
-- warehouse (reprint_of) or a news agency's (wire_agency, by the page's credit), so that
-- original_articles + reprints = articles. Digests (round-ups of several stories) belong to none.
create or replace view story_coverage as
with articles as (
    select
        story_id,
        article_id,
        coalesce(source, url, source_uri) as outlet,
        published_at,
        title,
        wire_agency,
        reprint_of is not null or wire_agency is not null as is_copy
    from article
    where story_id is not null and not coalesce(is_digest, false)
),

final as (
    select
        story_id,
        count(distinct article_id) as articles,
        count(distinct outlet) as outlets,
        count(distinct article_id) filter (where not is_copy) as original_articles,
        count(distinct article_id) filter (where is_copy) as reprints,
        count(distinct article_id) filter (where wire_agency is not null) as wire_copies,
        list(distinct outlet order by outlet) as outlet_names,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at,
        arg_min(title, published_at) as first_title
    from articles
    group by story_id
)

select * from final;
