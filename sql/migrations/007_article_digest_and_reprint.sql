-- Across outlets: whether an article is a digest (a round-up of several stories, kept out of
-- story clusters), and which article it reprints (wire copy: the earliest copy is the original).
alter table article add column if not exists is_digest boolean;
alter table article add column if not exists reprint_of varchar;
