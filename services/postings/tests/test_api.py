"""The HTTP contract on MariaDB + Redis: endpoints, ETags and If-Match, idempotency, auth, pagination."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from postings.db import outbox, postings
from postings.tokens import create_token, revoke_token
from sqlalchemy import Engine, func, select


def outbox_events(engine: Engine, posting_id: int) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.event_type).where(outbox.c.aggregate_id == posting_id).order_by(outbox.c.id)
        ).all()
    return [r.event_type for r in rows]


def count_postings(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(postings)).scalar_one())


def create(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/postings", json=body, headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def test_create_returns_location_etag_and_stores_one_event(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
) -> None:
    response = app_client.post(
        "/v1/postings", json=new_posting(salary_currency="eur", tags=["Python", "go"]), headers=writer
    )

    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/v1/postings/{created['id']}"
    assert response.headers["etag"] == '"1"'
    assert created["version"] == 1
    assert created["status"] == "published"
    assert created["salary_currency"] == "EUR"
    assert created["tags"] == ["python", "go"]
    assert created["created_at"].endswith("Z")
    fetched = app_client.get(response.headers["location"])
    assert fetched.status_code == 200
    assert fetched.json() == created
    assert outbox_events(app_engine, created["id"]) == ["posting.created"]


def test_get_unknown_posting_is_404_and_bad_id_is_422(app_client: TestClient) -> None:
    assert app_client.get("/v1/postings/987654").status_code == 404
    bad = app_client.get("/v1/postings/abc")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "posting_id"


def test_if_none_match_with_current_etag_is_304(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    created = create(app_client, writer, new_posting())
    url = f"/v1/postings/{created['id']}"
    assert app_client.get(url, headers={"If-None-Match": '"1"'}).status_code == 304
    assert app_client.get(url, headers={"If-None-Match": '"7"'}).status_code == 200


def test_patch_with_current_etag_updates_and_emits_event(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
) -> None:
    created = create(app_client, writer, new_posting())
    url = f"/v1/postings/{created['id']}"

    response = app_client.patch(
        url, json={"title": "Staff Engineer", "tags": ["rust"]}, headers=writer | {"If-Match": '"1"'}
    )

    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    assert response.json()["title"] == "Staff Engineer"
    assert response.json()["tags"] == ["rust"]
    assert response.json()["company"] == "Acme Cloud"
    assert app_client.get(url).json()["version"] == 2
    assert outbox_events(app_engine, created["id"]) == ["posting.created", "posting.updated"]


def test_patch_with_stale_etag_is_412_and_keeps_the_first_edit(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
) -> None:
    created = create(app_client, writer, new_posting())
    url = f"/v1/postings/{created['id']}"
    first = app_client.patch(url, json={"title": "First edit"}, headers=writer | {"If-Match": '"1"'})
    assert first.status_code == 200

    second = app_client.patch(url, json={"title": "Second edit"}, headers=writer | {"If-Match": '"1"'})

    assert second.status_code == 412
    assert second.json()["current_version"] == 2
    assert second.headers["etag"] == '"2"'
    assert app_client.get(url).json()["title"] == "First edit"
    assert outbox_events(app_engine, created["id"]) == ["posting.created", "posting.updated"]


def test_concurrent_patches_with_the_same_etag_exactly_one_wins(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    created = create(app_client, writer, new_posting())
    url = f"/v1/postings/{created['id']}"
    statuses: list[int] = []

    def edit(n: int) -> None:
        statuses.append(
            app_client.patch(
                url, json={"title": f"edit {n}"}, headers=writer | {"If-Match": '"1"'}
            ).status_code
        )

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(statuses) == [200, 412, 412, 412, 412, 412]
    assert app_client.get(url).json()["version"] == 2


def test_a_patch_that_changes_nothing_writes_nothing(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
) -> None:
    created = create(app_client, writer, new_posting())
    url = f"/v1/postings/{created['id']}"
    for patch in ({}, {"title": created["title"]}, {"tags": ["python", "go"]}):
        response = app_client.patch(url, json=patch, headers=writer | {"If-Match": '"1"'})
        assert response.status_code == 200
        assert response.json() == created
        assert response.headers["etag"] == '"1"'
    assert outbox_events(app_engine, created["id"]) == ["posting.created"]


def test_patch_without_if_match_is_428(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    created = create(app_client, writer, new_posting())
    response = app_client.patch(f"/v1/postings/{created['id']}", json={"title": "x"}, headers=writer)
    assert response.status_code == 428


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"salary_min": 95000}, "salary_max"),
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"salary_currency": "ABC"}, "salary_currency"),
        ({"apply_url": "not a url"}, "apply_url"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"colour": "red"}, "colour"),
        ({"workplace": "moon"}, "workplace"),
    ],
)
def test_invalid_patch_is_422_naming_the_field_and_changes_nothing(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
    patch: dict[str, Any],
    field: str,
) -> None:
    created = create(app_client, writer, new_posting())
    url = f"/v1/postings/{created['id']}"

    response = app_client.patch(url, json=patch, headers=writer | {"If-Match": '"1"'})

    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["detail"]]
    assert app_client.get(url).json() == created
    assert outbox_events(app_engine, created["id"]) == ["posting.created"]


def test_delete_archives_once(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
) -> None:
    created = create(app_client, writer, new_posting(company="Archive Co"))
    url = f"/v1/postings/{created['id']}"

    response = app_client.delete(url, headers=writer)
    again = app_client.delete(url, headers=writer)

    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    assert response.json()["version"] == 2
    assert again.status_code == 200
    assert again.json()["version"] == 2
    assert app_client.get(url, headers=writer).json()["status"] == "archived"
    assert app_client.get("/v1/postings", params={"company": "Archive Co"}).json()["items"] == []
    archived = app_client.get(
        "/v1/postings", params={"company": "Archive Co", "status": "archived"}, headers=writer
    ).json()
    assert [p["id"] for p in archived["items"]] == [created["id"]]
    assert outbox_events(app_engine, created["id"]) == ["posting.created", "posting.archived"]


def test_delete_with_stale_if_match_is_412(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    created = create(app_client, writer, new_posting())
    url = f"/v1/postings/{created['id']}"
    app_client.patch(url, json={"title": "v2"}, headers=writer | {"If-Match": '"1"'})
    assert app_client.delete(url, headers=writer | {"If-Match": '"1"'}).status_code == 412
    assert app_client.get(url).json()["status"] == "published"


def test_idempotency_key_returns_the_first_result(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
) -> None:
    headers = writer | {"Idempotency-Key": "create-42"}
    first = app_client.post("/v1/postings", json=new_posting(), headers=headers)
    retry = app_client.post("/v1/postings", json=new_posting(), headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert count_postings(app_engine) == 1
    assert outbox_events(app_engine, first.json()["id"]) == ["posting.created"]

    reused = app_client.post("/v1/postings", json=new_posting(title="Other"), headers=headers)
    assert reused.status_code == 409
    assert count_postings(app_engine) == 1


def test_concurrent_creates_with_one_idempotency_key_make_one_posting(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
) -> None:
    ids: list[int] = []

    def post() -> None:
        response = app_client.post(
            "/v1/postings", json=new_posting(), headers=writer | {"Idempotency-Key": "race"}
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])

    threads = [threading.Thread(target=post) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(ids) == 5
    assert len(set(ids)) == 1
    assert count_postings(app_engine) == 1
    assert outbox_events(app_engine, ids[0]) == ["posting.created"]


def test_writes_need_a_write_token(
    app_client: TestClient, app_engine: Engine, new_posting: Callable[..., dict[str, Any]]
) -> None:
    _read_id, read_token = create_token(app_engine, name="reader", scopes={"read"})
    revoked_id, revoked_token = create_token(app_engine, name="gone", scopes={"write"})
    assert revoke_token(app_engine, revoked_id)

    missing = app_client.post("/v1/postings", json=new_posting())
    wrong = app_client.post(
        "/v1/postings", json=new_posting(), headers={"Authorization": "Bearer pst_not-a-real-token"}
    )
    revoked = app_client.post(
        "/v1/postings", json=new_posting(), headers={"Authorization": f"Bearer {revoked_token}"}
    )
    scope = app_client.post(
        "/v1/postings", json=new_posting(), headers={"Authorization": f"Bearer {read_token}"}
    )
    patch = app_client.patch("/v1/postings/1", json={}, headers={"If-Match": '"1"'})
    delete = app_client.delete("/v1/postings/1", headers={"Authorization": f"Bearer {read_token}"})

    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert wrong.status_code == 401
    assert revoked.status_code == 401
    assert scope.status_code == 403
    assert patch.status_code == 401
    assert delete.status_code == 403
    assert count_postings(app_engine) == 0
    assert app_client.get("/v1/postings").status_code == 200


def test_list_filters_each_select_exactly_their_postings(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    a = create(
        app_client,
        writer,
        new_posting(company="Getir", location="İstanbul", workplace="onsite", language="tr", tags=["go"]),
    )
    b = create(
        app_client,
        writer,
        new_posting(
            company="Ozon Tech", location="Москва", workplace="remote", language="ru", tags=["redis"]
        ),
    )
    c = create(
        app_client,
        writer,
        new_posting(company="Getir", location="Ankara", workplace="remote", language="tr", tags=["python"]),
    )
    d = create(app_client, writer, new_posting(company="Getir", status="draft"))

    def ids(**params: str) -> list[int]:
        response = app_client.get("/v1/postings", params=params, headers=writer)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert ids() == [c["id"], b["id"], a["id"]]
    assert ids(company="Getir") == [c["id"], a["id"]]
    assert ids(location="İstanbul") == [a["id"]]
    assert ids(location="Москва") == [b["id"]]
    assert ids(workplace="remote") == [c["id"], b["id"]]
    assert ids(tag="go") == [a["id"]]
    assert ids(tag="REDIS") == [b["id"]]
    assert ids(language="ru") == [b["id"]]
    assert ids(status="draft") == [d["id"]]
    assert ids(company="Getir", workplace="remote", language="tr") == [c["id"]]


def test_pagination_neither_skips_nor_repeats_while_postings_are_added(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    original = [create(app_client, writer, new_posting(title=f"Role {n}"))["id"] for n in range(23)]
    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        page = app_client.get("/v1/postings", params=params).json()
        seen.extend(p["id"] for p in page["items"])
        pages += 1
        create(app_client, writer, new_posting(title=f"Added during page {pages}"))
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 5
    assert seen == sorted(original, reverse=True)


def test_bad_cursor_and_limit_are_422_naming_the_parameter(app_client: TestClient) -> None:
    cursor = app_client.get("/v1/postings", params={"cursor": "garbage!"})
    limit = app_client.get("/v1/postings", params={"limit": 1000})
    assert cursor.status_code == 422
    assert cursor.json()["detail"][0]["field"] == "cursor"
    assert limit.status_code == 422
    assert limit.json()["detail"][0]["field"] == "limit"


def test_first_page_is_cached_and_invalidated_by_a_write(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    first = create(app_client, writer, new_posting())
    assert [p["id"] for p in app_client.get("/v1/postings").json()["items"]] == [first["id"]]
    assert [p["id"] for p in app_client.get("/v1/postings").json()["items"]] == [first["id"]]

    second = create(app_client, writer, new_posting(title="Newer"))
    assert [p["id"] for p in app_client.get("/v1/postings").json()["items"]] == [second["id"], first["id"]]
    app_client.patch(
        f"/v1/postings/{first['id']}", json={"title": "Renamed"}, headers=writer | {"If-Match": '"1"'}
    )
    titles = [p["title"] for p in app_client.get("/v1/postings").json()["items"]]
    assert titles == ["Newer", "Renamed"]
    metrics = app_client.get("/metrics").text
    assert 'postings_cache_hits_total{kind="list"} 1.0' in metrics


def test_health_readiness_and_metrics(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    created = create(app_client, writer, new_posting())
    app_client.get(f"/v1/postings/{created['id']}")
    app_client.get(f"/v1/postings/{created['id']}")

    assert app_client.get("/healthz").json() == {"status": "ok"}
    ready = app_client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "checks": {
            "database": "up",
            "cache": "up",
            "broker": "in-process",
            "relay": "up",
            "indexer": "in-process",
            "search": "sql: up",
        },
    }
    text = app_client.get("/metrics").text
    assert 'postings_http_requests_total{method="POST",route="/v1/postings",status="201"}' in text
    assert (
        'postings_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/v1/postings/{posting_id}",status="200"}'
        in text
    )
    assert "postings_cache_hits_total" in text
    assert "postings_cache_misses_total" in text
    assert "postings_outbox_backlog " in text
    assert "postings_outbox_oldest_age_seconds " in text
    assert "postings_consumer_lag_messages" in text
    assert "postings_errors_total" in text


def test_logs_are_json_with_the_request_id_and_no_token(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    response = app_client.post(
        "/v1/postings", json=new_posting(), headers=writer | {"X-Request-ID": "req-abc-123"}
    )
    assert response.headers["x-request-id"] == "req-abc-123"
    generated = app_client.get("/v1/postings/999999").headers["x-request-id"]

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]

    requests = [entry for entry in lines if entry["message"] == "request"]
    assert [(e["request_id"], e["status"]) for e in requests] == [("req-abc-123", 201), (generated, 404)]
    assert all("request_id" in entry for entry in lines)
    token = writer["Authorization"].split()[1]
    assert all(token not in json.dumps(entry) for entry in lines)
