-- How a statement travels: one row per claim of a statement carried by more than one outlet,
-- its carriers ranked by when they published it (1 = first), whether its wording is the first
-- carrier's (lower-cased, punctuation aside), the words it adds to and drops from it, and whose
-- copy the carrier's article is (a news agency's or another outlet's; null for its own reporting).
create or replace view claim_lineage as
with carried as (
    select
        c.claim_group_id, c.claim_id, c.article_id, c.speaker, c.text, c.is_direct_quote, c.start_char,
        coalesce(a.source, a.url, a.source_uri) as outlet, a.published_at,
        coalesce(a.wire_agency, o.wire_agency, o.source) as copied_from
    from claim as c
    inner join article as a using (article_id)
    left join article as o on a.reprint_of = o.article_id
    where c.claim_group_id is not null
),

travelled as (
    select claim_group_id
    from carried
    group by claim_group_id
    having count(distinct outlet) > 1
),

ranked as (
    select
        k.*,
        dense_rank() over (
            partition by k.claim_group_id order by k.published_at asc nulls last, k.article_id
        ) as carrier_rank,
        row_number() over (
            partition by k.claim_group_id order by k.published_at asc nulls last, k.article_id, k.start_char
        ) as position,
        regexp_extract_all(lower(k.text), '[\pL\pN]+') as words
    from carried as k
    semi join travelled using (claim_group_id)
),

first_carrier as (
    select claim_group_id, words as first_words
    from ranked
    where position = 1
),

final as (
    select
        r.claim_group_id,
        r.claim_id,
        r.article_id,
        r.outlet,
        r.published_at,
        r.carrier_rank,
        r.carrier_rank = 1 as is_first_carrier,
        r.words = f.first_words as is_verbatim,
        r.is_direct_quote,
        r.copied_from,
        r.speaker,
        r.text,
        list_filter(r.words, w -> not list_contains(f.first_words, w)) as words_added,
        list_filter(f.first_words, w -> not list_contains(r.words, w)) as words_dropped
    from ranked as r
    inner join first_carrier as f using (claim_group_id)
)

select * from final;
