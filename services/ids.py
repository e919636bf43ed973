"""Stable identifiers derived from content, shared by the services' wiring code."""

from __future__ import annotations

import hashlib

__all__ = ["article_id"]


def article_id(feed_url: str, item_id: str) -> str:
    """Id of an article: the same feed item always gets the same id, across restarts and replicas."""
    return hashlib.sha256(f"{feed_url}\n{item_id}".encode()).hexdigest()[:32]
