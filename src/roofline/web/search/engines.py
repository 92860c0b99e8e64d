"""The two full-text engines behind roofline.web.search.api: SQLite FTS5 and PostgreSQL text search.

Each returns (document id, score, highlighted title, snippet) rows, best first. Highlights come back from the
database wrapped in private-use marker characters, then are HTML-escaped and turned into <mark> here, so no
indexed text ever reaches a page unescaped (api.index_document keeps those characters out of indexed text).

Both engines read a query the same way: its words (runs of letters, digits, underscores), every one required; the
last, when the index holds no such word, as a prefix (a word being typed: "quant" finds "quantized"). Nothing else
in the query is syntax: quotes, operators, column filters and parentheses are just separators, so no query can fail
to parse.

A search may name a `window`: then only the newest `window` matching documents (highest ids) are counted and
ranked, so a word found in 100,000+ documents costs what 10,000 do; a total above `window` means "more than".
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
    """bm25 over title (weight 10), summary (4) and body (1); every query word must match, a last word that is no
    word of the index (a fragment typed so far) as a prefix. Facets are words of the index's own `facets` column,
    so filtering is part of the MATCH; kinds are checked on the document row."""

    WEIGHTS = "10.0, 4.0, 1.0, 0.0"  # title, summary, body, facets

    @classmethod
    def match_expression(cls, cursor, query: str, facets: list[str]) -> str | None:
        terms = TERM.findall(query)
        if not terms:
            return None
        quoted = [f'"{term}"' for term in terms]
        # A prefix match merges the index entries of every word it starts ("data*": data, dataset, dataloader...)
        # over the whole index before anything else happens: 40x the time of the word alone at 600,000 documents.
        if not cls._is_word(cursor, quoted[-1]):
            quoted[-1] += "*"
        match = f"{{title summary body}} : ({' '.join(quoted)})"
        return match + "".join(f' AND facets : "{facet}"' for facet in facets)

    @staticmethod
    def _is_word(cursor, quoted_term: str) -> bool:
        cursor.execute(
            "SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1", [f"{{title summary body}} : {quoted_term}"]
        )
        return cursor.fetchone() is not None

    def search(
        self, query: str, kinds, facets, recent: bool, limit: int, offset: int, window: int | None = None
    ) -> tuple[list[tuple], int]:
        with connection.cursor() as cursor:
            match = self.match_expression(cursor, query, facets)
            if match is None:
                return [], 0
            kinds_sql, kinds_params = _filters_clause(kinds, [])
            # Only fixed SQL and %s placeholders are interpolated below; every value travels as a parameter.
            # CROSS JOIN: the full-text index leads. Left to choose, SQLite led with the kind index and ran the MATCH
            # once per document of that kind: a count took seconds at 5,000 articles, 100 s at 50,000.
            joined = (
                "FROM search_fts CROSS JOIN search_searchdocument d ON d.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s{kinds_sql}"
                if kinds
                else "FROM search_fts WHERE search_fts MATCH %s"
            )
            params = [match, *kinds_params]
            if window:
                total, lowest = self._window(cursor, joined, params, window)
                if not total:
                    return [], 0
                joined += " AND search_fts.rowid >= %s"  # FTS5 takes the rowid range: it never visits older matches
                params.append(lowest)
            else:
                cursor.execute(*self._count(match, kinds))
                total = cursor.fetchone()[0]
            if recent:
                score, rank, order = f"-bm25(search_fts, {self.WEIGHTS})", "", ORDER_RECENT
            else:
                # FTS5's own rank order: bm25 is computed once per match inside FTS5, and rows are then joined,
                # filtered and highlighted one at a time, best first, only until the page is full.
                score, rank, order = "-rank", f" AND rank MATCH 'bm25({self.WEIGHTS})'", "rank"
            cursor.execute(
                f"""SELECT search_fts.rowid, {score} AS score,
                           highlight(search_fts, 0, %s, %s),
                           snippet(search_fts, 2, %s, %s, '…', 32)
                    {joined}{rank} ORDER BY {order} LIMIT %s OFFSET %s""",  # noqa: S608
                [MARK_START, MARK_END, MARK_START, MARK_END, *params, limit, offset],
            )
            return cursor.fetchall(), total

    @staticmethod
    def _window(cursor, joined: str, params: list, window: int) -> tuple[int, int | None]:
        """How many of the newest `window` matches there are (window + 1: more than that) and the lowest id among
        them. FTS5 reads matches newest first straight from its index, and stops there: no ranking, no count of
        all."""
        newest = f"SELECT search_fts.rowid AS id {joined} ORDER BY search_fts.rowid DESC LIMIT %s"
        cursor.execute(f"SELECT count(*), min(id) FROM ({newest})", [*params, window])  # noqa: S608
        total, lowest = cursor.fetchone()
        if total == window:
            cursor.execute(f"SELECT 1 {joined} AND search_fts.rowid < %s LIMIT 1", [*params, lowest])  # noqa: S608
            total += cursor.fetchone() is not None
        return total, lowest

    @staticmethod
    def _count(match: str, kinds) -> tuple[str, list]:
        """The query counting every match, reading as few document rows as it can: none without kinds; with
        kinds, the (kind, object_id) index, checked against the set of matching ids (a row lookup per match reads
        a page of article text each: several times slower for a common word)."""
        if not kinds:
            return "SELECT count(*) FROM search_fts WHERE search_fts MATCH %s", [match]
        kinds_sql, kinds_params = _filters_clause(kinds, [])
        return (
            f"""SELECT count(*) FROM search_searchdocument d
                WHERE d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s){kinds_sql}""",  # noqa: S608
            [match, *kinds_params],
        )


class PostgresFullText:
    """ts_rank_cd over the weighted tsvector (title A, summary B, body C); English stemming and stop words."""

    # The whole title, highlighted (fragment options would trim its short first and last words); a body fragment.
    TITLE = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
    SNIPPET = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=1"
    # ts_headline's parser drops anything that looks like an XML tag or entity ("<int>", "&amp;") from what it
    # returns; hide "<" and "&" from it behind private-use stand-ins and put them back afterwards.
    HIDDEN = {"<": "\ue002", "&": "\ue003"}

    @staticmethod
    def tsquery(cursor, query: str) -> str | None:
        """A to_tsquery expression: every word (quoted, so never syntax); the last, when no document holds it as a
        word, as a prefix."""
        terms = TERM.findall(query)
        if not terms:
            return None
        quoted = [f"'{term}'" for term in terms]  # \w+ holds no quote, backslash or operator
        cursor.execute(
            "SELECT 1 FROM search_searchdocument WHERE search_vector @@ to_tsquery('english', %s) LIMIT 1", [quoted[-1]]
        )
        if cursor.fetchone() is None:
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

    def search(
        self, query: str, kinds, facets, recent: bool, limit: int, offset: int, window: int | None = None
    ) -> tuple[list[tuple], int]:
        with connection.cursor() as cursor:
            tsquery = self.tsquery(cursor, query)
            if tsquery is None:
                return [], 0
            kinds_sql, kinds_params = _filters_clause(kinds, facets)
            inner_order = ORDER_RECENT if recent else "score DESC, d.id"
            outer_order = "top.published_at DESC, top.id DESC" if recent else "top.score DESC, top.id"
            # Only fixed SQL and %s placeholders are interpolated below; every value travels as a parameter.
            where = f"FROM search_searchdocument d WHERE d.search_vector @@ to_tsquery('english', %s){kinds_sql}"
            where_params = [tsquery, *kinds_params]
            if window:  # how many match, and the lowest id among the newest `window` of them
                # MATERIALIZED: the matches come from the GIN index in one bitmap scan. Left to plan "newest first",
                # PostgreSQL walked the primary key backwards testing every row's tsvector: 3-5x slower.
                cursor.execute(
                    f"""WITH matches AS MATERIALIZED (SELECT d.id {where})
                        SELECT (SELECT count(*) FROM matches),
                               (SELECT min(id) FROM (SELECT id FROM matches ORDER BY id DESC LIMIT %s) AS newest)""",  # noqa: S608
                    [*where_params, window],
                )
                total, lowest = cursor.fetchone()
                if not total:
                    return [], 0
                where += " AND d.id >= %s"
                where_params.append(lowest)
            else:
                cursor.execute(f"SELECT count(*) {where}", where_params)  # noqa: S608
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
                [self.TITLE, self.SNIPPET, tsquery, *where_params, limit, offset, tsquery],
            )
            rows = [
                (doc_id, score, self._unhide(title), self._unhide(snippet))
                for doc_id, score, title, snippet in cursor.fetchall()
            ]
            return rows, total


def current_engine() -> SqliteFts5 | PostgresFullText:
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFts5()
