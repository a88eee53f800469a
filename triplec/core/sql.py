"""Raw SQL for hot paths with long IN lists: the ORM spends more time composing a 5,000-value IN clause than
the database spends answering it (the payment engine, billing's code lookup)."""

from django.db import connection


def table(model) -> str:
    """The model's table name, quoted for this database."""
    return connection.ops.quote_name(model._meta.db_table)


def select_in(sql: str, *lists: list) -> list[tuple]:
    """Raw SELECT with one `{}` per IN list, each filled with one placeholder per value. An empty list selects
    nothing (no query is sent)."""
    if any(not values for values in lists):
        return []
    sql = sql.format(*(", ".join(["%s"] * len(values)) for values in lists))
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for values in lists for v in values])
        return cursor.fetchall()
