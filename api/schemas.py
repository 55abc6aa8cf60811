"""What the API takes and gives, as typed schemas: the OpenAPI document is generated from
these, and every request body is checked against them before an endpoint runs."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

# Text fields: surrounding spaces dropped, bounded, and no NUL (which no database stores).
NO_NUL = r"^[^\x00]*$"


def text(max_length: int, *, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=NO_NUL
        ),
    ]


Credit = Annotated[Decimal, Field(gt=0, max_digits=5, decimal_places=1)]
Hours = Annotated[Decimal, Field(gt=0, max_digits=6, decimal_places=2)]


# --- Errors ---------------------------------------------------------------------------------


class ErrorDetail(Schema):
    loc: list[str] = Field(description='Where the fault is, e.g. ["body", "rows", "3"].')
    message: str


class ErrorBody(Schema):
    code: str = Field(description="Stable: unauthorized, forbidden, not_found, invalid, …")
    message: str
    details: list[ErrorDetail]


class ErrorOut(Schema):
    error: ErrorBody


# --- Courses --------------------------------------------------------------------------------


class SessionOut(Schema):
    code: str
    title: str
    cec_value: Decimal
    contact_hours: Decimal | None


class ApprovalOut(Schema):
    certifier: str = Field(description="The certifier's short name, e.g. ace, nasm.")
    certifier_name: str
    number: str
    credit: Decimal | None = Field(
        description="In the certifier's unit; null: the course's contact hours are converted."
    )
    unit: str
    category: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class CourseOut(Schema):
    id: int
    number: str | None = Field(description="Assigned when a reviewer approves the course.")
    title: str
    description: str
    delivery_format: str
    status: str
    cec_value: Decimal | None
    contact_hours: Decimal | None
    approved_on: datetime.date | None
    expires_on: datetime.date | None
    rejection_reason: str
    submitted_at: datetime.datetime
    sessions: list[SessionOut]
    approvals: list[ApprovalOut] = Field(
        description="Every certifier's approval: the home certifier's own number first."
    )


class CoursePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CourseOut]


class PageIn(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=100)


class SessionIn(Schema):
    code: text(20, min_length=1)
    title: text(300, min_length=1)
    cec_value: Credit
    contact_hours: Hours | None = None


class CourseIn(Schema):
    """A single course (live, online or home study) with its CEC value."""

    title: text(300, min_length=1)
    description: text(5000) = ""
    delivery_format: Literal["live", "online", "home_study"]
    cec_value: Credit
    contact_hours: Hours | None = Field(
        None, description="Left out: the CEC value in contact hours (0.1 CEC = 1 hour)."
    )


class ConferenceIn(Schema):
    """A conference: one umbrella number over its sessions, each with its own CEC value."""

    title: text(300, min_length=1)
    description: text(5000) = ""
    delivery_format: Literal["conference"]
    sessions: list[SessionIn] = Field(
        min_length=1, max_length=200, description="Each with its own code."
    )


Registration = Annotated[CourseIn | ConferenceIn, Field(discriminator="delivery_format")]


class PublicSessionOut(Schema):
    code: str
    title: str
    cec_value: Decimal


class PublicApprovalOut(Schema):
    certifier: str
    number: str
    credit: Decimal | None
    unit: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class PublicCourseOut(Schema):
    number: str
    title: str
    provider: str
    delivery_format: str
    status: Literal["approved", "retired"]
    cec_value: Decimal | None
    contact_hours: Decimal | None
    approved_on: datetime.date | None
    expires_on: datetime.date | None
    current: bool = Field(description="Whether a completion today can be credited.")
    message: str
    sessions: list[PublicSessionOut]
    approvals: list[PublicApprovalOut]


# --- Completions ----------------------------------------------------------------------------

MAX_COMPLETIONS = 1000


class CompletionIn(Schema):
    course_number: text(30, min_length=1) = Field(
        description="One of the provider's own approved courses, e.g. CA23456."
    )
    email: text(254) = Field("", description="The professional's email …")
    certification_number: text(50) = Field("", description="… or a certification number")
    last_name: text(150) = Field("", description="… with the last name.")
    completion_date: datetime.date
    sessions: list[text(300, min_length=1)] = Field(
        default_factory=list, max_length=50, description="Session codes attended (conference)."
    )
    hours: Hours | None = None


class CompletionsIn(Schema):
    rows: list[CompletionIn] = Field(min_length=1, max_length=MAX_COMPLETIONS)


class RowResult(Schema):
    row: int = Field(description="The row's position in the batch, from 1.")
    verdict: Literal["matched", "claimable", "refused"]
    reason: str
    posted: bool


class BatchCounts(Schema):
    matched: int
    claimable: int
    refused: int
    posted: int


class BatchOut(Schema):
    id: int
    status: Literal["checking", "checked", "posting", "posted", "failed"]
    counts: BatchCounts
    rows: list[RowResult]
