"""The message models are the contract between services: they must round-trip and stay tolerant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.messages import Article, Development, Figure, Source

NOW = datetime(2019, 3, 6, 12, 0, tzinfo=UTC)

# A v1 payload as an older or newer service would write it: extra fields must be ignored.
STORED_DEVELOPMENT_V1 = (
    '{"schema_version":1,"development_id":"abc","revision":2,"status":"update",'
    '"labels":["casualty_update"],"figures":[{"kind":"killed","count":400,"who":"civilians",'
    '"bound":"exact"}],"places":["Baghuz"],"actors":["ISIS"],"sources":[{"article_id":"a1",'
    '"url":"https://example.org/1"}],"summary":"toll rises to 400","lang":"en",'
    '"changes":["killed: 388 → 400"],"first_seen":"2019-03-06T12:00:00Z",'
    '"detected_at":"2019-03-06T12:05:00Z","field_from_the_future":true}'
)


@pytest.mark.parametrize(
    "model",
    [
        Article(
            article_id="a1",
            feed_url="https://example.org/feed",
            title="عنوان",
            text="نص",
            lang="ar",
            first_seen=NOW,
        ),
        Development(
            development_id="d1",
            labels=["surrender"],
            figures=[Figure(kind="surrendered", count=150, who="ISIS fighters", bound="about")],
            sources=[Source(article_id="a1")],
            first_seen=NOW,
            detected_at=NOW,
        ),
    ],
    ids=["article", "development"],
)
def test_round_trip(model: Article | Development) -> None:
    """A model serialised to JSON and read back is equal to the original."""
    assert type(model).model_validate_json(model.model_dump_json()) == model


def test_stored_v1_payload_still_reads() -> None:
    """A stored v1 development with an unknown field is read, the field ignored."""
    dev = Development.model_validate_json(STORED_DEVELOPMENT_V1)
    assert dev.revision == 2 and dev.figures[0].count == 400 and dev.previous_figures == []


def test_unknown_schema_version_is_refused() -> None:
    """A payload of a schema version this code does not know fails validation loudly."""
    with pytest.raises(ValidationError):
        Development.model_validate_json(
            STORED_DEVELOPMENT_V1.replace('"schema_version":1', '"schema_version":2')
        )
