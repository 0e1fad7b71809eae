"""The API's request and response models: the contract, and every validation rule in one place."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from postings.currencies import ISO_4217

Workplace = Literal["onsite", "hybrid", "remote"]
EmploymentType = Literal["full_time", "part_time", "contract", "internship", "temporary"]
Seniority = Literal["intern", "junior", "mid", "senior", "lead", "principal", "executive"]
Status = Literal["draft", "published", "archived"]

MAX_DESCRIPTION = 50_000
MAX_TAGS = 20
MAX_SALARY = 1_000_000_000
_BCP47 = re.compile(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8}|-[0-9][A-Za-z0-9]{3})*$"
)
_TAG = re.compile(r"^[a-z0-9][a-z0-9+#.\-]{0,39}$")


def _language(value: str) -> str:
    if not _BCP47.match(value):
        raise ValueError("must be a BCP 47 language tag such as en, tr, ru or pt-BR")
    parts = value.split("-")
    normalized = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            normalized.append(part.title())
        elif len(part) in (2, 3) and (part.isalpha() or part.isdigit()):
            normalized.append(part.upper())
        else:
            normalized.append(part.lower())
    return "-".join(normalized)


def _currency(value: str) -> str:
    code = value.upper()
    if code not in ISO_4217:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


def _tags(values: list[str]) -> list[str]:
    normalized: dict[str, None] = {}
    for raw in values:
        tag = raw.strip().lower()
        if not _TAG.match(tag):
            raise ValueError(
                f"tag {raw!r} must be 1-40 characters of a-z, 0-9, +, #, . or -, starting alphanumeric"
            )
        normalized.setdefault(tag, None)
    return list(normalized)


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Language = Annotated[str, StringConstraints(max_length=35), AfterValidator(_language)]
Currency = Annotated[str, StringConstraints(min_length=3, max_length=3), AfterValidator(_currency)]
Description = Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION)]
Tags = Annotated[
    list[Annotated[str, StringConstraints(max_length=40)]], Field(max_length=MAX_TAGS), AfterValidator(_tags)
]
Salary = Annotated[int, Field(ge=0, le=MAX_SALARY)]
ApplyUrl = Annotated[HttpUrl, Field(max_length=2048)]


class PostingFields(BaseModel):
    """Every writable field, validated together: the body of a create, and a patched posting."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    company: Name
    location: Name
    workplace: Workplace
    employment_type: EmploymentType
    seniority: Seniority
    salary_min: Salary | None = None
    salary_max: Salary | None = None
    salary_currency: Currency | None = Field(default=None, validate_default=True)
    language: Language
    description: Description
    tags: Tags = Field(default_factory=list)
    apply_url: ApplyUrl | None = None
    apply_email: EmailStr | None = Field(default=None, validate_default=True)
    status: Status = "published"

    @field_validator("salary_max")
    @classmethod
    def _salary_range(cls, value: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("salary_min")
        if value is not None and low is not None and low > value:
            raise ValueError(f"salary_max ({value}) must not be below salary_min ({low})")
        return value

    @field_validator("salary_currency")
    @classmethod
    def _currency_with_salary(cls, value: str | None, info: ValidationInfo) -> str | None:
        has_salary = info.data.get("salary_min") is not None or info.data.get("salary_max") is not None
        if has_salary and value is None:
            raise ValueError("salary_currency is required when salary_min or salary_max is given")
        return value

    @field_validator("apply_email")
    @classmethod
    def _apply_somewhere(cls, value: str | None, info: ValidationInfo) -> str | None:
        # apply_url is missing from info.data when it failed its own check: don't report it twice.
        if value is None and "apply_url" in info.data and info.data["apply_url"] is None:
            raise ValueError("give apply_url or apply_email (or both)")
        return value

    def to_row(self) -> dict[str, Any]:
        row = self.model_dump()
        row["apply_url"] = str(self.apply_url) if self.apply_url is not None else None
        return row


class PostingCreate(PostingFields):
    """The body of POST /v1/postings."""


class PostingPatch(BaseModel):
    """The body of PATCH /v1/postings/{id}: any subset of the writable fields."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    company: str | None = None
    location: str | None = None
    workplace: Workplace | None = None
    employment_type: EmploymentType | None = None
    seniority: Seniority | None = None
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    apply_url: str | None = None
    apply_email: str | None = None
    status: Status | None = None


class Posting(BaseModel):
    """A posting as the API returns it."""

    id: int
    title: str
    company: str
    location: str
    workplace: Workplace
    employment_type: EmploymentType
    seniority: Seniority
    salary_min: int | None
    salary_max: int | None
    salary_currency: str | None
    language: str
    description: str
    tags: list[str]
    apply_url: str | None
    apply_email: str | None
    status: Status
    created_at: datetime
    updated_at: datetime
    version: int


class PostingPage(BaseModel):
    items: list[Posting]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class SearchHit(BaseModel):
    id: int
    score: float
    title: str
    company: str
    location: str
    workplace: Workplace
    language: str
    tags: list[str]
    status: Status
    salary_min: int | None
    salary_max: int | None
    salary_currency: str | None
    version: int
    highlights: dict[str, list[str]] = Field(
        description="Fragments with matches in <mark></mark>, HTML-escaped"
    )


class SearchResults(BaseModel):
    query: str
    total: int
    items: list[SearchHit]


class FieldError(BaseModel):
    loc: list[str | int]
    field: str
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    detail: list[FieldError]


class Problem(BaseModel):
    detail: str
