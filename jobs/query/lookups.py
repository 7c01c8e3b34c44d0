"""A LIKE lookup for the `*` wildcard of the value grammar.

Django's startswith/endswith cover `ANALY_*` and `*_MCORE`, but a pattern such
as `user.*.log*` needs one LIKE with the literal parts escaped. No UPPER() on
the column: a prefix pattern can use the column's index.
"""

from __future__ import annotations

from django.db.models import CharField, Lookup


def like_pattern(wildcard: str) -> str:
    escaped = wildcard.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


@CharField.register_lookup
class Like(Lookup):
    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # MySQL's string literal escaping doubles backslashes in the ESCAPE clause.
        escape = "'\\\\'" if connection.vendor == "mysql" else "'\\'"
        return f"{lhs} LIKE {rhs} ESCAPE {escape}", [*lhs_params, *rhs_params]

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [like_pattern(value)])
