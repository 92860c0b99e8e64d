"""Full-text search for the whole site: one interface (index, remove, search) over two engines, SQLite FTS5
(the default) and PostgreSQL full text (when DATABASE_URL is PostgreSQL). Articles, discussions and chat all
index through it."""
