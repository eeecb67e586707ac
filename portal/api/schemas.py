"""Request and response models: they validate input and are the OpenAPI document's schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

# Stored times are naive UTC; the API writes them as RFC 3339 with a Z.
Stamp = Annotated[
    datetime,
    PlainSerializer(
        lambda value: value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z"),
        return_type=str,
    ),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: dict[str, str]


class Error(BaseModel):
    error: ErrorBody


class Account(BaseModel):
    id: int
    name: str
    kind: str
    phone: str
    reference_id: str
    archived: bool
    created_at: Stamp


class AccountList(BaseModel):
    data: list[Account]
    next_cursor: str | None


class AccountCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["company", "household"] = "company"


class AccountUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    reference_id: str | None = Field(default=None, max_length=64)


class Contact(BaseModel):
    id: int
    email: str
    name: str
    login_enabled: bool
    activated: bool


class ContactList(BaseModel):
    data: list[Contact]
    next_cursor: str | None


class ContactCreate(Strict):
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(default="", max_length=200)
    login: bool = False


class AccessUpdate(Strict):
    login_enabled: bool


class Invitation(BaseModel):
    id: int
    contact_id: int
    email: str
    send_count: int
    expires_at: Stamp
    last_sent_at: Stamp | None


class InvitationList(BaseModel):
    data: list[Invitation]
    next_cursor: str | None


class InvitationCreate(Strict):
    contact_id: int = Field(ge=1, le=2**31 - 1)
    personal_message: str = Field(default="", max_length=2000)


class InvitationBulk(Strict):
    contact_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        min_length=1, max_length=100
    )
    personal_message: str = Field(default="", max_length=2000)


class InvitationBulkResult(BaseModel):
    data: list[Invitation]
    skipped: dict[str, str]


class Thread(BaseModel):
    id: int
    account_id: int
    subject: str
    last_message_at: Stamp


class ThreadList(BaseModel):
    data: list[Thread]
    next_cursor: str | None


class Message(BaseModel):
    id: int
    thread_id: int
    author_kind: str
    author_name: str
    body: str
    created_at: Stamp


class MessageList(BaseModel):
    data: list[Message]
    next_cursor: str | None


class ThreadCreate(Strict):
    account_id: int = Field(ge=1, le=2**31 - 1)
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20000)


class MessageCreate(Strict):
    body: str = Field(min_length=1, max_length=20000)


class Request(BaseModel):
    id: int
    account_id: int
    thread_id: int
    type_id: int
    subject: str
    details: str
    status: str
    created_at: Stamp


class RequestList(BaseModel):
    data: list[Request]
    next_cursor: str | None


class RequestCreate(Strict):
    account_id: int = Field(ge=1, le=2**31 - 1)
    type_id: int = Field(ge=1, le=2**31 - 1)
    subject: str = Field(min_length=1, max_length=200)
    details: str = Field(default="", max_length=20000)


class RequestStatusUpdate(Strict):
    status: Literal["open", "in_progress", "waiting", "done"]
