"""Every validation rule: a bad create is 422 naming each bad field, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from postings.db import outbox, postings
from postings.schemas import PostingCreate
from pydantic import ValidationError
from sqlalchemy import Engine, func, select


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            int(conn.execute(select(func.count()).select_from(postings)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(outbox)).scalar_one()),
        )


BAD_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"company": ""}, "company"),
    ({"location": "y" * 201}, "location"),
    ({"workplace": "office"}, "workplace"),
    ({"employment_type": "gig"}, "employment_type"),
    ({"seniority": "wizard"}, "seniority"),
    ({"salary_min": 100, "salary_max": 99}, "salary_max"),
    ({"salary_min": -1}, "salary_min"),
    ({"salary_currency": "XYZ"}, "salary_currency"),
    ({"salary_currency": "EURO"}, "salary_currency"),
    ({"salary_currency": None}, "salary_currency"),
    ({"language": "english"}, "language"),
    ({"language": "e1"}, "language"),
    ({"description": "d" * 50_001}, "description"),
    ({"tags": [f"tag{i}" for i in range(21)]}, "tags"),
    ({"tags": ["has space"]}, "tags"),
    ({"tags": ["x" * 41]}, "tags.0"),
    ({"apply_url": "not a url"}, "apply_url"),
    ({"apply_url": "ftp://example.com/job"}, "apply_url"),
    ({"apply_url": None, "apply_email": "not-an-email"}, "apply_email"),
    ({"apply_url": None}, "apply_email"),
    ({"status": "deleted"}, "status"),
    ({"unknown_field": 1}, "unknown_field"),
    ({"id": 5}, "id"),
    ({"version": 3}, "version"),
]


@pytest.mark.parametrize(
    ("change", "field"), BAD_FIELDS, ids=[f"{f}-{i}" for i, (_c, f) in enumerate(BAD_FIELDS)]
)
def test_bad_create_is_422_naming_the_field_and_writes_nothing(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
    change: dict[str, Any],
    field: str,
) -> None:
    response = app_client.post("/v1/postings", json=new_posting(**change), headers=writer)

    assert response.status_code == 422, response.text
    fields = [e["field"] for e in response.json()["detail"]]
    assert fields == [field], response.json()
    assert counts(app_engine) == (0, 0)


def test_several_bad_fields_are_all_named(
    app_client: TestClient,
    writer: dict[str, str],
    new_posting: Callable[..., dict[str, Any]],
    app_engine: Engine,
) -> None:
    body = new_posting(
        title="",
        salary_min=5,
        salary_max=1,
        salary_currency="ZZZ",
        apply_url="nope",
        tags=["a"] * 21,
        extra=True,
    )
    response = app_client.post("/v1/postings", json=body, headers=writer)

    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["detail"]) == [
        "apply_url",
        "extra",
        "salary_currency",
        "salary_max",
        "tags",
        "title",
    ]
    assert counts(app_engine) == (0, 0)


def test_malformed_json_is_422(app_client: TestClient, writer: dict[str, str], app_engine: Engine) -> None:
    response = app_client.post(
        "/v1/postings", content=b"{not json", headers=writer | {"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert counts(app_engine) == (0, 0)


def test_normalisation_of_valid_input(new_posting: Callable[..., dict[str, Any]]) -> None:
    posting = PostingCreate.model_validate(
        new_posting(
            title="  Go Developer  ",
            language="PT-br",
            salary_currency="try",
            tags=[" Go ", "go", "C++", "node.js"],
            apply_url=None,
            apply_email="jobs@example.com",
        )
    )
    assert posting.title == "Go Developer"
    assert posting.language == "pt-BR"
    assert posting.salary_currency == "TRY"
    assert posting.tags == ["go", "c++", "node.js"]
    assert PostingCreate.model_validate(new_posting(language="zh-Hant-TW")).language == "zh-Hant-TW"
    assert PostingCreate.model_validate(new_posting(language="sr-latn")).language == "sr-Latn"


def test_salary_is_optional_but_needs_a_currency_when_given(
    new_posting: Callable[..., dict[str, Any]],
) -> None:
    none = PostingCreate.model_validate(new_posting(salary_min=None, salary_max=None, salary_currency=None))
    assert (none.salary_min, none.salary_max, none.salary_currency) == (None, None, None)
    with pytest.raises(ValidationError) as caught:
        PostingCreate.model_validate(new_posting(salary_min=10, salary_max=None, salary_currency=None))
    assert [e["loc"] for e in caught.value.errors()] == [("salary_currency",)]
    equal = PostingCreate.model_validate(new_posting(salary_min=50, salary_max=50))
    assert (equal.salary_min, equal.salary_max) == (50, 50)


def test_description_may_be_fifty_thousand_characters_and_twenty_tags(
    app_client: TestClient, writer: dict[str, str], new_posting: Callable[..., dict[str, Any]]
) -> None:
    body = new_posting(description="ü" * 50_000, tags=[f"t{i}" for i in range(20)])
    response = app_client.post("/v1/postings", json=body, headers=writer)
    assert response.status_code == 201, response.text[:500]
    stored = app_client.get(response.headers["location"]).json()
    assert len(stored["description"]) == 50_000
    assert len(stored["tags"]) == 20
