"""Vocabulary as data: each table is a tab-separated file beside this module, whose `#` lines say
where its entries come from. Read once per process; the rules take the parsed rows."""

from functools import cache
from importlib import resources


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of `<name>.tsv`: each a tuple of its tab-separated fields, stripped; comment and
    blank lines skipped."""
    text = resources.files(__package__).joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append(tuple(field.strip() for field in line.split("\t")))
    return tuple(rows)
