"""The one error the warehouse raises for a user to read."""


class WarehouseError(Exception):
    """The warehouse cannot be used; the message says why in one line."""
