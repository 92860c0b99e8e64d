"""Facets become words of the full-text index: SearchDocument.facets holds their terms (api.facet_term) instead of
readable "name:value" tokens, and on SQLite the FTS5 table gains a `facets` column (kept in step by the same
triggers), so a filter is part of the MATCH rather than a read of every matching row."""

from django.db import migrations, models

from roofline.web.search.api import facet_term

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]
COLUMNS = "title, summary, body, facets"
OLD = "old.title, old.summary, old.body, old.facets"
NEW = "new.title, new.summary, new.body, new.facets"
SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        {COLUMNS}, content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    f"""CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
    END""",
    f"""CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]


def encode_facets(apps, schema_editor) -> None:
    """" category:qa answered:no " -> " f<digits> f<digits> " (before the new index is built from them)."""
    SearchDocument = apps.get_model("search", "SearchDocument")
    sqlite = schema_editor.connection.vendor == "sqlite"
    if sqlite:
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    changed = []
    for document in SearchDocument.objects.exclude(facets="").only("id", "facets").iterator(chunk_size=2000):
        terms = [facet_term(*token.split(":", 1)) for token in document.facets.split() if ":" in token]
        document.facets = f" {' '.join(terms)} " if terms else ""
        changed.append(document)
        if len(changed) == 2000:
            SearchDocument.objects.bulk_update(changed, ["facets"])
            changed = []
    SearchDocument.objects.bulk_update(changed, ["facets"])
    if sqlite:
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_facets")]
    operations = [
        migrations.AlterField(
            model_name="searchdocument",
            name="facets",
            field=models.TextField(
                blank=True,
                help_text="Filter terms (api.facet_term of each name and value), space-delimited, spaces around.",
            ),
        ),
        migrations.RunPython(encode_facets, migrations.RunPython.noop),
    ]
