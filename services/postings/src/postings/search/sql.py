"""SQL full-text search: an inverted index of InnoDB tables on MariaDB/MySQL, FTS5 on SQLite.

Both engines index the same tokens: folded text (postings.text.fold, so Turkish dotted/dotless i and
Russian ё match however typed), each word cut to its first STEM characters (a crude stemmer that lets
`разработчика` find `разработчик` and `yazilimci` find `yazilim` with exact-term lookups, no costly
prefix expansion), then suffixed with `_` and padded to MIN_TOKEN (so FTS5 keeps `go_` whole and no
word is a stopword).

Ranking on MySQL: a posting matches when it holds every query token and every filter; more query
tokens in its title rank it higher, then newer postings first (score = 1 + TITLE_WEIGHT per title
token). A FULLTEXT index ranks every match before it returns a page (40-120 ms for a common word over
100,000 postings), so MySQL keeps instead one row per term of a posting in search_terms (its tokens,
and its filterable fields as terms such as `status=published`) and one per title token in
search_title_terms, each term's postings in id order. A search takes the levels of title hits in turn,
from all of the query's tokens in the title down to none, and stops once the page is full. Within a
level every posting has the same score, so a level is the newest postings of a union of walks, one per
set of tokens that can make up the title's hits (for `senior backend` at one hit: `senior` in the
title and `backend` only in the text, or the other way round); each walk goes down one term's list,
newest first, joining the others by primary key, and stops at the page's size.

A search first collects the matches, up to TOTAL_CAP + 1, in one walk: that gives the total (exact up
to TOTAL_CAP), and when there are no more than TOTAL_CAP (a rare word, a narrow filter), they are
ranked from there, since the levels would each read every list to the end.

The index is a projection the worker writes from events: a posting's document and terms change in one
transaction, gated on its version.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import combinations
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, String, Table, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from postings.db import TERM_CHARS, search_documents, search_terms, search_title_terms
from postings.search.base import (
    MAX_QUERY_TERMS,
    TOTAL_CAP,
    IndexUnavailableError,
    SearchPage,
    hit,
    local_highlights,
)
from postings.store import ListFilters
from postings.text import fold, terms

STEM = 7
MIN_TOKEN = 4
TITLE_WEIGHT = 10
WALKED_TOKENS = 4
FILTER_FIELDS = ("company", "location", "language", "workplace", "status")  # see filter_terms
TERMS_PER_STATEMENT = 20_000
# How long a search whose terms had more than TOTAL_CAP matches skips counting them again (its total is
# TOTAL_CAP meanwhile), and for how many such searches a process remembers that.
OVER_CAP_SECONDS = 30.0
OVER_CAP_ENTRIES = 10_000
FTS_INSERT = "INSERT INTO search_fts (rowid, folded_title, folded_body) VALUES (:id, :title, :body)"
_STEMS = re.compile(rf"(\w{{1,{STEM}}})\w*")
_RETRY_ERRORS = {1205, 1213}  # MySQL: lock wait timeout, deadlock (two workers indexing one posting)


@lru_cache(maxsize=65536)
def token(word: str) -> str:
    """The indexed form of one folded word."""
    stem = word[:STEM] + "_"
    return stem + "_" * (MIN_TOKEN - len(stem))


def index_tokens(*parts: str) -> list[str]:
    """The tokens of the parts' words (_STEMS yields each word's first STEM characters)."""
    return [token(stem) for part in parts for stem in _STEMS.findall(fold(part))]


def index_text(*parts: str) -> str:
    return " ".join(index_tokens(*parts))


def _body(posting: dict[str, Any]) -> tuple[str, ...]:
    return posting["description"], posting["company"], posting["location"], " ".join(posting["tags"])


def title_text(posting: dict[str, Any]) -> str:
    return index_text(posting["title"])


def body_text(posting: dict[str, Any]) -> str:
    return index_text(*_body(posting))


def query_tokens(query: str) -> tuple[list[str], list[str]]:
    """The query's folded terms (for highlighting) and their distinct index tokens."""
    found = terms(query, limit=MAX_QUERY_TERMS)
    return found, list(dict.fromkeys(token(t) for t in found))


@lru_cache(maxsize=65536)
def field_term(name: str, value: str) -> str:
    """A field's value as a term, `status=published`, folded like the text (so on MySQL a filter matches
    as its case-insensitive collation would). Text tokens hold no `=`, so the two never meet."""
    return f"{name}={fold(value)}"[:TERM_CHARS]


def filter_terms(filters: ListFilters) -> list[str]:
    """The filters as terms, the likely most selective first: MySQL checks a posting against its terms
    in the order they are joined, so `status=published` (most postings) is best checked last."""
    found = [field_term("tag", filters.tag)] if filters.tag is not None else []
    for name in FILTER_FIELDS:
        if (value := getattr(filters, name)) is not None:
            found.append(field_term(name, value))
    return found


def posting_terms(posting: dict[str, Any]) -> tuple[set[str], set[str]]:
    """A posting's title tokens, and all its terms: its text's tokens and its fields' terms."""
    title = set(index_tokens(posting["title"]))
    fields = [field_term(name, posting[name]) for name in FILTER_FIELDS]
    tags = [field_term("tag", tag) for tag in posting["tags"]]
    return title, title.union(index_tokens(*_body(posting)), fields, tags)


def insert_terms(conn: Connection, table: Table, postings: Iterable[tuple[int, Iterable[str]]]) -> None:
    """Rows (term, posting id) for each posting id and its terms, as multi-row INSERTs written out in full:
    seeding 100,000 postings writes 8 million term rows, where binding parameters row by row costs more
    than the database does. Each distinct term is quoted once by the dialect's own string literal
    processor; ids are ints."""
    quote = String().literal_processor(conn.dialect)  # type: ignore[no-untyped-call]
    assert quote is not None
    heads: dict[str, str] = {}
    values: list[str] = []

    def flush() -> None:
        if values:
            statement = f"INSERT INTO {table.name} (token, posting_id) VALUES {','.join(values)}"
            conn.exec_driver_sql(statement, execution_options={"no_parameters": True})
            values.clear()

    for posting_id, terms_of_posting in postings:
        tail = f",{int(posting_id)})"
        for term in terms_of_posting:
            head = heads.get(term)
            if head is None:
                head = heads[term] = "(" + quote(term)
            values.append(head + tail)
        if len(values) >= TERMS_PER_STATEMENT:
            flush()
    flush()


def insert_posting_terms(conn: Connection, postings: list[dict[str, Any]]) -> None:
    """The term rows of postings the index has none for yet (seeding, and the 0002 migration's backfill)."""
    sets = [(int(p["id"]), posting_terms(p)) for p in postings]
    insert_terms(conn, search_title_terms, ((posting_id, title) for posting_id, (title, _) in sets))
    insert_terms(conn, search_terms, ((posting_id, every) for posting_id, (_, every) in sets))


def _require(table: str, alias: str, names: Iterable[str], posting: str) -> str:
    """Joins keeping only the postings (`posting`, a column) that hold each term `:name` in `table`."""
    return "".join(
        f" JOIN {table} {alias}{n} ON {alias}{n}.token = :{n} AND {alias}{n}.posting_id = {posting}"
        for n in names
    )


def _walk(titled: Sequence[str], untitled: Sequence[str], fields: Sequence[str]) -> str:
    """The newest :want postings that hold every term and have, of the query's tokens (parameter names),
    exactly those in `titled` in their title: one walk down a term's list, stopped at :want."""
    driver = titled[0] if titled else untitled[0]
    head = f"t{driver}" if titled else f"a{driver}"
    posting = f"{head}.posting_id"
    required = list(untitled if titled else untitled[1:]) + list(fields)
    return (
        f"SELECT {posting} AS posting_id, {len(titled)} AS hits "
        f"FROM {'search_title_terms' if titled else 'search_terms'} {head}"
        + _require("search_title_terms", "t", titled[1:], posting)
        + _require("search_terms", "a", required, posting)
        + "".join(
            f" LEFT JOIN search_title_terms x{k} ON x{k}.token = :{k} AND x{k}.posting_id = {posting}"
            for k in untitled
        )
        + f" WHERE {head}.token = :{driver}"
        + "".join(f" AND x{k}.posting_id IS NULL" for k in untitled)
        + f" ORDER BY {posting} DESC LIMIT :want"
    )


def _matching(ks: list[str], fs: list[str]) -> str:
    """The ids of the first TOTAL_CAP + 1 (:over) matches, in the driving term's list order."""
    return (
        "SELECT ak0.posting_id FROM search_terms ak0"
        + _require("search_terms", "a", ks[1:] + fs, "ak0.posting_id")
        + " WHERE ak0.token = :k0 LIMIT :over"
    )


def _matches(ks: list[str], fs: list[str]) -> str:
    """_matching's matches as their number and their ids in one comma-separated string (parsing 1,001
    rows in the driver cost more than the database's walk), with the length that string has when
    group_concat_max_len did not cut it."""
    return (
        "SELECT COUNT(*) AS total, GROUP_CONCAT(posting_id) AS ids, "
        f"SUM(LENGTH(posting_id)) + COUNT(*) - 1 AS ids_length FROM ({_matching(ks, fs)}) m"
    )


def _titled(conn: Connection, ks: list[str], params: dict[str, Any], found: list[int]) -> list[int]:
    """Of the `found` postings, each one once per query token (`ks`) in its title, read as one
    GROUP_CONCAT string like _matches (as rows when group_concat_max_len cut it). The ids are ints from
    the database, written out: binding up to 1,000 parameters costs more than the query."""
    where = (
        f"FROM search_title_terms WHERE token IN ({', '.join(f':{k}' for k in ks)}) "
        f"AND posting_id IN ({','.join(map(str, found))})"
    )
    row = conn.execute(
        text(
            "SELECT COUNT(*) AS total, GROUP_CONCAT(posting_id) AS ids, "
            f"SUM(LENGTH(posting_id)) + COUNT(*) - 1 AS ids_length {where}"
        ),
        params,
    ).one()
    if not row.total:
        return []
    if len(row.ids) == row.ids_length:
        return [int(i) for i in row.ids.split(",")]
    return [int(r[0]) for r in conn.execute(text(f"SELECT posting_id {where}"), params)]


def _levels(ks: list[str], fs: list[str]) -> list[str]:
    """One query per level of title hits, from all of the query's tokens down to none. A level is the
    union of one walk per set of tokens that can make up the title's hits; past WALKED_TOKENS tokens
    (2^n walks) the middle levels are one query instead, grouping the title lists."""
    if len(ks) <= WALKED_TOKENS:
        levels = []
        for hits in range(len(ks), -1, -1):
            walks = [
                _walk(titled, [k for k in ks if k not in titled], fs) for titled in combinations(ks, hits)
            ]
            union = " UNION ALL ".join(f"({walk})" for walk in walks)
            levels.append(
                walks[0]
                if len(walks) == 1
                else f"SELECT posting_id, hits FROM ({union}) w ORDER BY posting_id DESC LIMIT :want"
            )
        return levels
    listed = ", ".join(f":{k}" for k in ks)
    middle = (
        "SELECT u.posting_id, u.hits FROM (SELECT posting_id, COUNT(*) AS hits FROM search_title_terms "
        f"WHERE token IN ({listed}) GROUP BY posting_id HAVING hits < {len(ks)}) u"
        + _require("search_terms", "a", ks + fs, "u.posting_id")
        + " ORDER BY u.hits DESC, u.posting_id DESC LIMIT :want"
    )
    return [_walk(ks, [], fs), middle, _walk([], ks, fs)]


class SqlSearchIndex:
    name = "sql"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.mysql = engine.dialect.name != "sqlite"
        # (tokens, filter terms) -> until when they are taken to have more than TOTAL_CAP matches.
        self._over_cap: OrderedDict[tuple[tuple[str, ...], tuple[str, ...]], float] = OrderedDict()
        self._over_cap_lock = threading.Lock()

    def _known_over_cap(self, key: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
        with self._over_cap_lock:
            until = self._over_cap.get(key)
            if until is None:
                return False
            if until < time.monotonic():
                del self._over_cap[key]
                return False
            return True

    def _remember_over_cap(self, key: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
        with self._over_cap_lock:
            self._over_cap[key] = time.monotonic() + OVER_CAP_SECONDS
            self._over_cap.move_to_end(key)
            while len(self._over_cap) > OVER_CAP_ENTRIES:
                self._over_cap.popitem(last=False)

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
                if exc.orig is not None and exc.orig.args and exc.orig.args[0] in _RETRY_ERRORS:
                    continue  # another worker holds this posting; compare versions again
                if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
                    raise IndexUnavailableError(str(exc)[:300]) from exc
                raise
        raise RuntimeError(f"could not index posting {posting['id']}: concurrent writers kept conflicting")

    def _index(self, conn: Connection, posting: dict[str, Any]) -> bool:
        posting_id = int(posting["id"])
        current = conn.execute(
            select(search_documents.c.version, search_documents.c.document)
            .where(search_documents.c.posting_id == posting_id)
            .with_for_update()
        ).first()
        if current is not None and current.version >= posting["version"]:
            return False
        row = self.document_row(posting)
        if current is None:
            conn.execute(insert(search_documents).values(**row))
        else:
            conn.execute(
                update(search_documents).where(search_documents.c.posting_id == posting_id).values(**row)
            )
        if self.mysql:
            old = posting_terms(orjson.loads(current.document)) if current is not None else (set(), set())
            tables = (search_title_terms, search_terms)
            for table, before, after in zip(tables, old, posting_terms(posting), strict=True):
                if before - after:
                    gone = table.c.token.in_(before - after)
                    conn.execute(delete(table).where(table.c.posting_id == posting_id, gone))
                insert_terms(conn, table, [(posting_id, sorted(after - before))])
        else:
            conn.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": posting_id})
            conn.execute(
                text(FTS_INSERT), {"id": posting_id, "title": title_text(posting), "body": body_text(posting)}
            )
        return True

    def index_many(self, postings: list[dict[str, Any]]) -> None:
        if not postings:
            return
        with self.engine.begin() as conn:
            conn.execute(insert(search_documents), [self.document_row(p) for p in postings])
            if self.mysql:
                insert_posting_terms(conn, postings)
            else:
                conn.execute(
                    text(FTS_INSERT),
                    [{"id": p["id"], "title": title_text(p), "body": body_text(p)} for p in postings],
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
            "document": orjson.dumps(posting).decode(),
        }

    def search(self, query: str, filters: ListFilters, *, limit: int, offset: int) -> SearchPage:
        query_terms, tokens = query_tokens(query)
        if not tokens:
            return SearchPage(total=0)
        with self.engine.connect() as conn:
            if self.mysql:
                ranked, total = self._rank_mysql(conn, tokens, filter_terms(filters), want=offset + limit)
                page = ranked[offset:]
            else:
                page, total = self._rank_sqlite(conn, tokens, filters, limit=limit, offset=offset)
            ids = [posting_id for posting_id, _score in page]
            documents: dict[int, str] = (
                dict(
                    conn.execute(
                        select(search_documents.c.posting_id, search_documents.c.document).where(
                            search_documents.c.posting_id.in_(ids)
                        )
                    ).all()
                )
                if ids
                else {}
            )
        hits = []
        for posting_id, score in page:
            posting = orjson.loads(documents[posting_id])
            highlights = local_highlights(posting, query_terms, stem=STEM)
            hits.append(hit(posting, score, highlights))
        return SearchPage(total=min(total, TOTAL_CAP), hits=hits)

    def _rank_mysql(
        self, conn: Connection, tokens: list[str], fields: list[str], *, want: int
    ) -> tuple[list[tuple[int, float]], int]:
        """The best `want` matches as (posting id, score), and the total (exact up to TOTAL_CAP).

        One walk (_matches) collects the matches up to TOTAL_CAP + 1. When they are all there (a rare
        word, a narrow filter), they are ranked here; when there are more, the levels of the module
        docstring are taken in turn, best first, until `want` rows are found.

        That walk is most of a common word's cost (a thousand rows, each joined to the other terms), and
        it only says "more than TOTAL_CAP": so for OVER_CAP_SECONDS after it did, the same terms skip it
        and report TOTAL_CAP. The page is walked afresh every time; only the total can be that old (and
        the index itself trails the writes anyway)."""
        ks = [f"k{i}" for i in range(len(tokens))]
        fs = [f"f{i}" for i in range(len(fields))]
        params: dict[str, Any] = dict(zip(ks, tokens, strict=True)) | dict(zip(fs, fields, strict=True))
        over = {"over": TOTAL_CAP + 1}
        key = (tuple(tokens), tuple(fields))
        if self._known_over_cap(key):
            total = TOTAL_CAP + 1
        else:
            counted = conn.execute(text(_matches(ks, fs)), params | over).one()
            total = int(counted.total)
            if total > TOTAL_CAP:
                self._remember_over_cap(key)
        if total <= TOTAL_CAP:
            if not total:
                found = []
            elif len(counted.ids) == counted.ids_length:
                found = [int(i) for i in counted.ids.split(",")]
            else:  # cut at group_concat_max_len (1,024 bytes by default on MySQL)
                found = [int(r[0]) for r in conn.execute(text(_matching(ks, fs)), params | over)]
            hits = dict.fromkeys(found, 0)
            if found:
                for posting_id in _titled(conn, ks, params, found):
                    hits[posting_id] += 1
            best = sorted(hits.items(), key=lambda item: (-item[1], -item[0]))[:want]
            return [(posting_id, 1.0 + TITLE_WEIGHT * h) for posting_id, h in best], total
        ranked: list[tuple[int, float]] = []
        for level in _levels(ks, fs):
            rows = conn.execute(text(level), params | {"want": want - len(ranked)}).all()
            ranked += [(int(r.posting_id), 1.0 + TITLE_WEIGHT * int(r.hits)) for r in rows]
            if len(ranked) == want:
                break
        return ranked, total

    @staticmethod
    def _rank_sqlite(
        conn: Connection, tokens: list[str], filters: ListFilters, *, limit: int, offset: int
    ) -> tuple[list[tuple[int, float]], int]:
        clauses: list[str] = []
        params: dict[str, Any] = {"fts": " ".join(f'"{t}"' for t in tokens), "limit": limit, "offset": offset}
        for name in FILTER_FIELDS:
            if (value := getattr(filters, name)) is not None:
                clauses.append(f" AND d.{name} = :{name}")
                params[name] = value
        if filters.tag is not None:
            clauses.append(" AND d.tags LIKE :tag")
            params["tag"] = f"% {filters.tag} %"
        # bm25 is lower-is-better; title weighs 3x the body. (FTS5 functions can't sit beside a window.)
        matches = (
            "SELECT d.posting_id AS posting_id, bm25(search_fts, 3.0, 1.0) AS score "
            "FROM search_fts JOIN search_documents d ON d.posting_id = search_fts.rowid "
            f"WHERE search_fts MATCH :fts{''.join(clauses)}"
        )
        rows = conn.execute(
            text(
                f"SELECT posting_id, score, COUNT(*) OVER () AS total FROM ({matches}) m "
                "ORDER BY score, posting_id DESC LIMIT :limit OFFSET :offset"
            ),
            params,
        ).all()
        total = int(rows[0].total) if rows else 0
        if not rows and offset > 0:  # a page past the last match, where the window count has no row
            total = int(conn.execute(text(f"SELECT COUNT(*) FROM ({matches}) m"), params).scalar_one())
        return [(int(r.posting_id), abs(float(r.score))) for r in rows], total
