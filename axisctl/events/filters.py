"""Event filters as devices take them: topic expressions and SimpleItem content tests.

Topic filter: alternatives joined by ``|``; each is a topic, or a topic followed by ``//.``
for it and everything below it (``//.`` alone is every topic). Both topic spellings are
accepted (``tns1:``/``tnsaxis:`` and MQTT's ``onvif:``/``axis:``).

Content filter: ``boolean(//SimpleItem[@Name="port" and @Value="1"])`` terms joined by
``and`` or ``or`` (not mixed); a term holds when any source, key or data item has that name
and value. This is the subset of XPath the VAPIX documentation uses; anything else is
refused with :class:`FilterError` rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from axisctl.errors import ParseError
from axisctl.events.models import Event, canonical_topic

_TERM = re.compile(
    r"""\s*boolean\(\s*//SimpleItem\[\s*@Name\s*=\s*(?P<q1>["'])(?P<name>[^"']*)(?P=q1)"""
    r"""\s+and\s+@Value\s*=\s*(?P<q2>["'])(?P<value>[^"']*)(?P=q2)\s*\]\s*\)\s*"""
)
_JOIN = re.compile(r"\s*(and|or)\s*")
# Used with fullmatch: "$" would also match before a final newline ("Device\n/IO").
_TOPIC_PART = re.compile(r"[A-Za-z_][\w.\-]*(:[A-Za-z_*][\w.\-*]*)?")


class FilterError(ParseError):
    """A topic or content filter the device would refuse; the message says where."""


@dataclass(frozen=True)
class TopicFilter:
    """One or more topics (``|``), each exact or a subtree (``//.``)."""

    expression: str

    def __post_init__(self) -> None:
        self._alternatives()  # refuse a bad expression when it is made, not when used

    def _alternatives(self) -> list[tuple[str, bool]]:
        result = []
        if not self.expression.strip():
            raise FilterError("topic filter is empty")
        for raw in self.expression.split("|"):
            text = raw.strip()
            subtree = text.endswith("//.")
            topic = text[:-3] if subtree else text
            if topic:
                for part in topic.split("/"):
                    if not _TOPIC_PART.fullmatch(part):
                        raise FilterError(
                            f"topic filter {self.expression!r:.80}: "
                            f"{part!r:.40} is not a topic name"
                        )
            elif not subtree:
                raise FilterError(f"topic filter {self.expression!r:.80} has an empty alternative")
            result.append((canonical_topic(topic), subtree))
        return result

    def matches(self, topic: str) -> bool:
        wanted = canonical_topic(topic)
        for prefix, subtree in self._alternatives():
            if wanted == prefix or (subtree and (not prefix or wanted.startswith(prefix + "/"))):
                return True
        return False


@dataclass(frozen=True)
class ContentFilter:
    """``boolean(//SimpleItem[@Name=... and @Value=...])`` terms joined by and/or."""

    expression: str

    def __post_init__(self) -> None:
        self.terms()

    def terms(self) -> tuple[str, list[tuple[str, str]]]:
        """``("and" | "or", [(name, value), ...])``."""
        text = self.expression
        terms: list[tuple[str, str]] = []
        joins: set[str] = set()
        position = 0
        while True:
            match = _TERM.match(text, position)
            if match is None:
                raise FilterError(
                    f"content filter {text!r:.80}: at character {position} expected "
                    'boolean(//SimpleItem[@Name="..." and @Value="..."])'
                )
            terms.append((match["name"], match["value"]))
            position = match.end()
            if position == len(text):
                break
            join = _JOIN.match(text, position)
            if join is None:
                raise FilterError(
                    f"content filter {text!r:.80}: at character {position} expected 'and' or 'or'"
                )
            joins.add(join[1])
            position = join.end()
        if len(joins) > 1:
            raise FilterError(f"content filter {text!r:.80} mixes 'and' and 'or'")
        return (joins.pop() if joins else "and"), terms

    def matches(self, event: Event) -> bool:
        join, terms = self.terms()
        items = [*event.source.items(), *event.key.items(), *event.data.items()]
        results = (any(n == name and v == value for n, v in items) for name, value in terms)
        return all(results) if join == "and" else any(results)


@dataclass(frozen=True)
class EventFilter:
    """One entry of ``eventFilterList``: a topic filter, a content filter, or both."""

    topic: TopicFilter | None = None
    content: ContentFilter | None = None

    def __post_init__(self) -> None:
        if self.topic is None and self.content is None:
            raise FilterError("an event filter needs a topic filter, a content filter or both")

    @classmethod
    def of(cls, topic: str | None = None, content: str | None = None) -> EventFilter:
        return cls(
            TopicFilter(topic) if topic is not None else None,
            ContentFilter(content) if content is not None else None,
        )

    def matches(self, event: Event) -> bool:
        if self.topic is not None and not self.topic.matches(event.topic):
            return False
        return self.content is None or self.content.matches(event)

    def to_json(self) -> dict[str, str]:
        body: dict[str, str] = {}
        if self.topic is not None:
            body["topicFilter"] = self.topic.expression
        if self.content is not None:
            body["contentFilter"] = self.content.expression
        return body

    @classmethod
    def from_json(cls, obj: Any) -> EventFilter:
        if not isinstance(obj, dict):
            raise FilterError("an event filter must be an object")
        topic, content = obj.get("topicFilter"), obj.get("contentFilter")
        if topic is not None and not isinstance(topic, str):
            raise FilterError("topicFilter must be a string")
        if content is not None and not isinstance(content, str):
            raise FilterError("contentFilter must be a string")
        return cls.of(topic, content)
