-- Mentions whose offsets do not slice the article text to the stored mention text.
select m.article_id, m.start_char, m.end_char, m.text
from entity_mention as m
inner join article as a using (article_id)
where substring(a.text, m.start_char + 1, m.end_char - m.start_char) <> m.text
