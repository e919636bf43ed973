"""Code shared by the frontwatch services: settings, logging, messages, broker and store."""
