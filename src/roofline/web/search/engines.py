"""The two full-text engines behind roofline.web.search.api: SQLite FTS5 and PostgreSQL text search.

Each returns (document id, score, highlighted title, snippet) rows, best first. Highlights come back from the
database wrapped in private-use marker characters, then are HTML-escaped and turned into <mark> here, so no
indexed text ever reaches a page unescaped (api.index_document keeps those characters out of indexed text).

Both engines read a query the same way: its words (runs of letters, digits, underscores), every one required,
the last also as a prefix (search as you type). Nothing else in the query is syntax: quotes, operators, column
filters and parentheses are just separators, so no query can fail to parse.
"""

import re
from html import escape

from django.db import connection

MARK_START, MARK_END = "\ue000", "\ue001"
RESERVED = str.maketrans("", "", "\ue000\ue001\ue002\ue003")  # the markers and stand-ins below; never indexed
TERM = re.compile(r"\w+", re.UNICODE)


def marked_to_html(text: str) -> str:
    """Escape `text`, then turn the engine's highlight markers into <mark> elements."""
    return escape(text or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def _filters_clause(kinds: list[str] | None, facets: list[str]) -> tuple[str, list]:
    """SQL narrowing to `kinds` and to documents carrying every facet token ("category:qa")."""
    sql, params = "", []
    if kinds:
        sql += f" AND d.kind IN ({', '.join(['%s'] * len(kinds))})"
        params += list(kinds)
    for facet in facets:
        sql += " AND d.facets LIKE %s"
        params.append(f"% {facet} %")
    return sql, params


ORDER_RECENT = "d.published_at DESC, d.id DESC"


class SqliteFts5:
    """bm25 over title (weight 10), summary (4) and body (1); every query word must match, the last as a prefix."""

    @staticmethod
    def match_expression(query: str) -> str | None:
        terms = TERM.findall(query)
        if not terms:
            return None
        quoted = [f'"{term}"' for term in terms]
        quoted[-1] += "*"
        return " ".join(quoted)

    def search(self, query: str, kinds, facets, recent: bool, limit: int, offset: int) -> tuple[list[tuple], int]:
        match = self.match_expression(query)
        if match is None:
            return [], 0
        kinds_sql, kinds_params = _filters_clause(kinds, facets)
        order = ORDER_RECENT if recent else "bm25(search_fts, 10.0, 4.0, 1.0)"
        # Only fixed SQL and %s placeholders are interpolated below; every value travels as a parameter.
        base = (
            "FROM search_fts CROSS JOIN search_searchdocument d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s{kinds_sql}"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {base}", [match, *kinds_params])
            total = cursor.fetchone()[0]
            cursor.execute(
                f"""SELECT d.id, -bm25(search_fts, 10.0, 4.0, 1.0) AS score,
                           highlight(search_fts, 0, %s, %s),
                           snippet(search_fts, 2, %s, %s, '…', 32)
                    {base} ORDER BY {order} LIMIT %s OFFSET %s""",  # noqa: S608
                [MARK_START, MARK_END, MARK_START, MARK_END, match, *kinds_params, limit, offset],
            )
            return cursor.fetchall(), total


class PostgresFullText:
    """ts_rank_cd over the weighted tsvector (title A, summary B, body C); English stemming and stop words."""

    # The whole title, highlighted (fragment options would trim its short first and last words); a body fragment.
    TITLE = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
    SNIPPET = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=1"
    # ts_headline's parser drops anything that looks like an XML tag or entity ("<int>", "&amp;") from what it
    # returns; hide "<" and "&" from it behind private-use stand-ins and put them back afterwards.
    HIDDEN = {"<": "\ue002", "&": "\ue003"}

    @staticmethod
    def tsquery(query: str) -> str | None:
        """A to_tsquery expression: every word (quoted, so never syntax), the last as a prefix."""
        terms = TERM.findall(query)
        if not terms:
            return None
        quoted = [f"'{term}'" for term in terms]  # \w+ holds no quote, backslash or operator
        quoted[-1] += ":*"
        return " & ".join(quoted)

    @classmethod
    def _hide(cls, column: str) -> str:
        for char, stand_in in cls.HIDDEN.items():
            column = f"replace({column}, '{char}', '{stand_in}')"
        return column

    @classmethod
    def _unhide(cls, text: str) -> str:
        for char, stand_in in cls.HIDDEN.items():
            text = text.replace(stand_in, char)
        return text

    def search(self, query: str, kinds, facets, recent: bool, limit: int, offset: int) -> tuple[list[tuple], int]:
        tsquery = self.tsquery(query)
        if tsquery is None:
            return [], 0
        kinds_sql, kinds_params = _filters_clause(kinds, facets)
        inner_order = ORDER_RECENT if recent else "score DESC, d.id"
        outer_order = "top.published_at DESC, top.id DESC" if recent else "top.score DESC, top.id"
        # Only fixed SQL and %s placeholders are interpolated below; every value travels as a parameter.
        where = f"FROM search_searchdocument d WHERE d.search_vector @@ to_tsquery('english', %s){kinds_sql}"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {where}", [tsquery, *kinds_params])
            total = cursor.fetchone()[0]
            cursor.execute(
                f"""SELECT top.id, top.score,
                           ts_headline('english', {self._hide("top.title")}, q, %s),
                           ts_headline('english', {self._hide("top.body")}, q, %s)
                    FROM (SELECT d.id, d.title, d.body, d.published_at,
                                 ts_rank_cd(d.search_vector, to_tsquery('english', %s)) AS score
                          {where} ORDER BY {inner_order} LIMIT %s OFFSET %s) AS top,
                         to_tsquery('english', %s) AS q
                    ORDER BY {outer_order}""",  # noqa: S608
                [self.TITLE, self.SNIPPET, tsquery, tsquery, *kinds_params, limit, offset, tsquery],
            )
            rows = [
                (doc_id, score, self._unhide(title), self._unhide(snippet))
                for doc_id, score, title, snippet in cursor.fetchall()
            ]
            return rows, total


def current_engine() -> SqliteFts5 | PostgresFullText:
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFts5()
