-- What a claim asks for, read from its parse: statement, obligation or prohibition. The link step
-- keeps claims of different moods apart; claims loaded before this column read it from their text.
alter table claim add column if not exists mood varchar;
