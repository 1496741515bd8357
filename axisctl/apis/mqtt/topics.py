"""MQTT topic names and filters: the checks a broker makes, and matching, without paho."""

from __future__ import annotations


def check_filter(topic_filter: str) -> str | None:
    """Why ``topic_filter`` is not a valid MQTT subscription filter, or ``None``."""
    if not topic_filter:
        return "is empty"
    if "\x00" in topic_filter:
        return "holds a NUL character"
    if len(topic_filter.encode()) > 65535:
        return "is longer than 65535 bytes"
    levels = topic_filter.split("/")
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != len(levels) - 1):
            return "may hold '#' only as its whole last level"
        if "+" in level and level != "+":
            return "may hold '+' only as a whole level"
    return None


def check_topic(topic: str) -> str | None:
    """Why ``topic`` cannot be published to, or ``None``."""
    problem = check_filter(topic)
    if problem is not None:
        return problem
    if has_wildcards(topic):
        return "may not hold the wildcards '+' or '#'"
    return None


def has_wildcards(topic_filter: str) -> bool:
    return "+" in topic_filter or "#" in topic_filter


def filter_matches(topic_filter: str, topic: str) -> bool:
    """MQTT matching: ``+`` is one level, a final ``#`` that level and everything below."""
    wanted = topic_filter.split("/")
    levels = topic.split("/")
    for index, part in enumerate(wanted):
        if part == "#":
            return True
        if index >= len(levels):
            return False
        if part not in ("+", levels[index]):
            return False
    return len(wanted) == len(levels)
