"""Names of every subject, stream and consumer group, in one place."""

__all__ = ["ARTICLES", "CONSUMERS", "DEVELOPMENTS", "GROUP_CLASSIFIER", "GROUP_NOTIFIER", "STREAM"]

STREAM = "FRONTWATCH"
ARTICLES = "frontwatch.articles"
DEVELOPMENTS = "frontwatch.developments"
GROUP_CLASSIFIER = "classifier"
GROUP_NOTIFIER = "notifier"

# Which consumer groups read each subject; brokers without a persistent log (RabbitMQ) declare
# these queues up front so nothing published before a consumer starts is dropped.
CONSUMERS: dict[str, tuple[str, ...]] = {
    ARTICLES: (GROUP_CLASSIFIER,),
    DEVELOPMENTS: (GROUP_NOTIFIER,),
}
