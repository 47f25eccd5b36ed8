"""TetherAI's upload shapes (POST /api/upload as documented) and the direct-upload extension."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from contactnotes.http.inputs import JsonInt, NoNulText

from .wire import WireModel


class UploadedFileOut(WireModel):
    key: str = Field(description="Storage key to send in a note's `attachments`.")
    type: str = Field(description="Content type sniffed from the bytes.")
    name: str
    size: int
    signed_url: str = Field(alias="signedUrl", description="Download link, valid for a limited time.")
    bucket: str


class UploadOut(WireModel):
    files: list[UploadedFileOut]


class PresignIn(WireModel, NoNulText):
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)] = Field(description="The file's name.")
    size: JsonInt = Field(ge=1, description="Bytes the client is about to send.")
    type: str | None = Field(default=None, description="Claimed content type (informative; the bytes decide).")


class PresignOut(WireModel):
    key: str
    method: Literal["POST", "PUT"] = Field(
        description="POST: a multipart form with `fields` first and the file last (S3). PUT: the raw bytes."
    )
    url: str
    fields: dict[str, str]
    expires_at: str = Field(alias="expiresAt")
    max_size: int = Field(alias="maxSize")


class CompleteIn(WireModel, NoNulText):
    key: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class StoredOut(WireModel):
    success: Literal[True] = True
    bytes: int
