"""The two full-text engines behind roofline.web.search.api: SQLite FTS5 and PostgreSQL text search.

Each returns (document id, score, highlighted title, snippet) rows, best first. Highlights come back from the
database wrapped in private-use marker characters, then are HTML-escaped and turned into <mark> here, so no
indexed text ever reaches a page unescaped.
"""

import re
from html import escape

from django.db import connection

MARK_START, MARK_END = "\ue000", "\ue001"
TERM = re.compile(r"\w+", re.UNICODE)


def marked_to_html(text: str) -> str:
    """Escape `text`, then turn the engine's highlight markers into <mark> elements."""
    return escape(text or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def _kinds_clause(kinds: list[str] | None, column: str) -> tuple[str, list]:
    if not kinds:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(kinds))})", list(kinds)


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

    def search(self, query: str, kinds, limit: int, offset: int) -> tuple[list[tuple], int]:
        match = self.match_expression(query)
        if match is None:
            return [], 0
        kinds_sql, kinds_params = _kinds_clause(kinds, "d.kind")
        # Only fixed SQL and %s placeholders are interpolated below; every value travels as a parameter.
        base = (
            "FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s{kinds_sql}"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {base}", [match, *kinds_params])
            total = cursor.fetchone()[0]
            cursor.execute(
                f"""SELECT d.id, -bm25(search_fts, 10.0, 4.0, 1.0) AS score,
                           highlight(search_fts, 0, %s, %s),
                           snippet(search_fts, 2, %s, %s, '…', 32)
                    {base} ORDER BY bm25(search_fts, 10.0, 4.0, 1.0) LIMIT %s OFFSET %s""",  # noqa: S608
                [MARK_START, MARK_END, MARK_START, MARK_END, match, *kinds_params, limit, offset],
            )
            return cursor.fetchall(), total


class PostgresFullText:
    """ts_rank_cd over the weighted tsvector (title A, summary B, body C); websearch syntax for the query."""

    HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=1"

    def search(self, query: str, kinds, limit: int, offset: int) -> tuple[list[tuple], int]:
        if not TERM.search(query):
            return [], 0
        kinds_sql, kinds_params = _kinds_clause(kinds, "d.kind")
        # Only fixed SQL and %s placeholders are interpolated below; every value travels as a parameter.
        where = f"FROM search_searchdocument d WHERE d.search_vector @@ websearch_to_tsquery('english', %s){kinds_sql}"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {where}", [query, *kinds_params])
            total = cursor.fetchone()[0]
            cursor.execute(
                f"""SELECT top.id, top.score,
                           ts_headline('english', top.title, q, 'HighlightAll=true, ' || %s),
                           ts_headline('english', top.body, q, %s)
                    FROM (SELECT d.id, d.title, d.body,
                                 ts_rank_cd(d.search_vector, websearch_to_tsquery('english', %s)) AS score
                          {where} ORDER BY score DESC, d.id LIMIT %s OFFSET %s) AS top,
                         websearch_to_tsquery('english', %s) AS q
                    ORDER BY top.score DESC, top.id""",  # noqa: S608
                [self.HEADLINE, self.HEADLINE, query, query, *kinds_params, limit, offset, query],
            )
            return cursor.fetchall(), total


def current_engine() -> SqliteFts5 | PostgresFullText:
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFts5()
