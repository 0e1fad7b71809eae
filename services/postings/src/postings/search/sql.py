"""SQL full-text search: InnoDB FULLTEXT on MariaDB/MySQL, FTS5 on SQLite.

Both index folded text (postings.text.fold), so Turkish dotted/dotless i and Russian ё match however
they are typed. InnoDB ignores words shorter than innodb_ft_min_token_size (3), which would make the
tag `go` unsearchable, so short words are padded with underscores (a word character to both engines)
on the way in and in the query alike.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, Engine, TextClause, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from postings.db import search_documents
from postings.search.base import (
    MAX_QUERY_TERMS,
    TOTAL_CAP,
    IndexUnavailableError,
    SearchPage,
    hit,
    local_highlights,
)
from postings.store import ListFilters
from postings.text import WORD, fold, terms

MIN_TOKEN = 3
FTS_INSERT = "INSERT INTO search_fts (rowid, folded_title, folded_body) VALUES (:id, :title, :body)"


def pad(word: str) -> str:
    return word + "_" * (MIN_TOKEN - len(word)) if len(word) < MIN_TOKEN else word


def index_text(*parts: str) -> str:
    return " ".join(pad(w) for part in parts for w in WORD.findall(fold(part)))


class SqlSearchIndex:
    name = "sql"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def ensure_ready(self) -> None:
        # The tables come with the schema (postings migrate); check they are there.
        with self.engine.connect() as conn:
            conn.execute(select(search_documents.c.posting_id).limit(1)).all()

    def ping(self) -> bool:
        try:
            self.ensure_ready()
        except Exception:
            return False
        return True

    def index(self, posting: dict[str, Any]) -> bool:
        for _attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    return self._index(conn, posting)
            except IntegrityError:
                continue  # another worker inserted the same posting first; compare versions again
            except DBAPIError as exc:
                if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
                    raise IndexUnavailableError(str(exc)[:300]) from exc
                raise
        raise RuntimeError(f"could not index posting {posting['id']}: concurrent inserts kept conflicting")

    def _index(self, conn: Connection, posting: dict[str, Any]) -> bool:
        posting_id = int(posting["id"])
        current = conn.execute(
            select(search_documents.c.version)
            .where(search_documents.c.posting_id == posting_id)
            .with_for_update()
        ).scalar()
        if current is not None and current >= posting["version"]:
            return False
        row = self.document_row(posting)
        if current is None:
            conn.execute(insert(search_documents).values(**row))
        else:
            conn.execute(
                update(search_documents).where(search_documents.c.posting_id == posting_id).values(**row)
            )
        if self.dialect == "sqlite":
            conn.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": posting_id})
            conn.execute(
                text(FTS_INSERT),
                {"id": posting_id, "title": row["folded_title"], "body": row["folded_body"]},
            )
        return True

    def index_many(self, postings: list[dict[str, Any]]) -> None:
        rows = [self.document_row(p) for p in postings]
        if not rows:
            return
        with self.engine.begin() as conn:
            conn.execute(insert(search_documents), rows)
            if self.dialect == "sqlite":
                conn.execute(
                    text(FTS_INSERT),
                    [
                        {"id": r["posting_id"], "title": r["folded_title"], "body": r["folded_body"]}
                        for r in rows
                    ],
                )

    @staticmethod
    def document_row(posting: dict[str, Any]) -> dict[str, Any]:
        return {
            "posting_id": int(posting["id"]),
            "version": int(posting["version"]),
            "status": posting["status"],
            "company": posting["company"],
            "location": posting["location"],
            "workplace": posting["workplace"],
            "language": posting["language"],
            "tags": " " + " ".join(posting["tags"]) + " ",
            "folded_title": index_text(posting["title"]),
            "folded_body": index_text(
                posting["description"], posting["company"], posting["location"], " ".join(posting["tags"])
            ),
            "document": orjson.dumps(posting).decode(),
        }

    def search(self, query: str, filters: ListFilters, *, limit: int, offset: int) -> SearchPage:
        query_terms = terms(query, limit=MAX_QUERY_TERMS)
        if not query_terms:
            return SearchPage(total=0)
        where, params = self._filters(filters)
        if self.dialect == "sqlite":
            statement, count = self._sqlite(query_terms, where, params)
        else:
            statement, count = self._mysql(query_terms, where, params)
        params |= {"limit": limit, "offset": offset, "cap": TOTAL_CAP}
        with self.engine.connect() as conn:
            rows = conn.execute(statement, params).all()
            total = (
                len(rows) + offset
                if len(rows) < limit and (rows or offset == 0)
                else int(conn.execute(count, params).scalar_one())
            )
        hits = []
        for row in rows:
            posting = orjson.loads(row.document)
            hits.append(hit(posting, abs(float(row.score)), local_highlights(posting, query_terms)))
        return SearchPage(total=total, hits=hits)

    @staticmethod
    def _filters(filters: ListFilters) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = []
        params: dict[str, Any] = {}
        for name in ("company", "location", "workplace", "language", "status"):
            value = getattr(filters, name)
            if value is not None:
                clauses.append(f"d.{name} = :{name}")
                params[name] = value
        if filters.tag is not None:
            clauses.append("d.tags LIKE :tag")
            params["tag"] = f"% {filters.tag} %"
        return "".join(f" AND {c}" for c in clauses), params

    @staticmethod
    def _mysql(query_terms: list[str], where: str, params: dict[str, Any]) -> tuple[TextClause, TextClause]:
        required = " ".join(f"+{pad(t)}" if len(t) < MIN_TOKEN else f"+({t} {t}*)" for t in query_terms)
        params["required"] = required
        match = "MATCH(d.folded_title, d.folded_body) AGAINST(:required IN BOOLEAN MODE)"
        # Title words count by plain word-prefix tests rather than a second MATCH: InnoDB's relevance
        # leans on index-wide statistics (deleted rows included until OPTIMIZE), so a title MATCH can
        # score 0 for a word that most titles share; a matched title word should always rank first.
        title_hits = []
        for n, term in enumerate(query_terms):
            params[f"title_{n}"] = "% " + pad(term).replace("_", "\\_") + "%"
            title_hits.append(f"(CONCAT(' ', d.folded_title) LIKE :title_{n})")
        title = " + ".join(title_hits)
        statement = text(
            f"SELECT d.document, (({title}) * 10 + {match}) AS score FROM search_documents d "
            f"WHERE {match}{where} ORDER BY score DESC, d.posting_id DESC LIMIT :limit OFFSET :offset"
        )
        count = text(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM search_documents d WHERE {match}{where} LIMIT :cap) t"
        )
        return statement, count

    @staticmethod
    def _sqlite(query_terms: list[str], where: str, params: dict[str, Any]) -> tuple[TextClause, TextClause]:
        params["fts"] = " ".join(f'"{pad(t)}"' if len(t) < MIN_TOKEN else f'"{t}"*' for t in query_terms)
        match = "search_fts MATCH :fts"
        # bm25 is lower-is-better; title weighs 3x the body, as on MySQL.
        statement = text(
            "SELECT d.document, bm25(search_fts, 3.0, 1.0) AS score FROM search_fts "
            f"JOIN search_documents d ON d.posting_id = search_fts.rowid WHERE {match}{where} "
            "ORDER BY score, d.posting_id DESC LIMIT :limit OFFSET :offset"
        )
        count = text(
            "SELECT COUNT(*) FROM (SELECT 1 FROM search_fts JOIN search_documents d "
            f"ON d.posting_id = search_fts.rowid WHERE {match}{where} LIMIT :cap) t"
        )
        return statement, count
