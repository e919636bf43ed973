"""Messages exchanged between services: the only contract between poller, classifier and notifier.

Consumers ignore unknown fields and every new field is optional, so rolling deploys keep working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Article",
    "Bound",
    "Development",
    "Evidence",
    "Figure",
    "Label",
    "Source",
]

Label = Literal["territorial_change", "surrender", "casualty_update"]
Bound = Literal["exact", "at_least", "about"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Article(_Message):
    """An item the poller fetched from a feed and saw for the first time."""

    schema_version: Literal[1] = 1
    article_id: str = Field(
        description="Stable id: hash of the feed URL and the item's GUID, link or content.",
        examples=["3f2a9c0d5e1b7a44"],
    )
    feed_url: str = Field(description="URL of the feed the item came from.")
    feed_title: str = Field(default="", description="Title of that feed, as it names itself.")
    title: str = Field(default="", examples=["SDF takes half of Baghouz"])
    link: str = Field(default="", description="Link to the article page.")
    text: str = Field(default="", description="Title and summary as plain text, no markup.")
    lang: str | None = Field(default=None, description="ISO 639-1 code when known.", examples=["ar"])
    published: datetime | None = Field(default=None, description="Date the feed gives, if any.")
    first_seen: datetime = Field(description="When the poller first saw the item (UTC).")


class Figure(_Message):
    """A number a text reports: who, what happened to them, how many."""

    kind: str = Field(examples=["killed", "surrendered", "captured_area_km2"])
    count: float | None = Field(default=None, description="None for vague amounts.")
    who: str = Field(default="", examples=["civilians"])
    bound: Bound = "exact"


class Evidence(_Message):
    """The span of text that made the classifier assign a label."""

    label: Label
    start: int
    end: int
    text: str


class Source(_Message):
    """One report of a development."""

    article_id: str
    url: str = ""
    title: str = ""
    feed_url: str = ""


class Development(_Message):
    """A fact detected in the news, new or updated, grouped across reports and sources."""

    schema_version: Literal[1] = 1
    development_id: str = Field(description="Stable id of the event key (kind, place, actor, window).")
    revision: int = Field(default=1, ge=1, description="1 for a new development, +1 per update.")
    status: Literal["new", "update"] = "new"
    labels: list[Label] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    summary: str = Field(default="", description="Short text of the report, for the alert.")
    lang: str | None = None
    changes: list[str] = Field(
        default_factory=list, description="What changed since the previous revision, readable."
    )
    previous_figures: list[Figure] = Field(
        default_factory=list, description="Figures of the previous revision, for delta thresholds."
    )
    first_seen: datetime = Field(description="When the first report of it was first seen.")
    detected_at: datetime
