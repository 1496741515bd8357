"""What a strobe speaker can play, and the checks that refuse what it cannot.

``getCapabilities`` lists every siren and light pattern with the values each setting may
take; intensities depend on the PoE class the device is powered with (class 3 allows less
light than class 4). :meth:`Capabilities.check_profile` uses that list to refuse a profile
before it is sent, with a message that names the wrong value and the allowed ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from axisctl.apis._json import expect_object
from axisctl.apis.sirenlight.errors import InvalidProfileError
from axisctl.apis.sirenlight.models import LightSettings, Profile, SirenSettings
from axisctl.errors import ParseError


def _join(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def _ints(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ParseError(f"{where} is not a list of integers")
    return tuple(value)


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParseError(f"{where} is not a list of strings")
    return tuple(value)


def _count(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParseError(f"{where}.{key} is not an integer")
    return value


@dataclass(frozen=True)
class Choice:
    """The values one numeric setting may take, and the one used when it is left out."""

    possible: tuple[int, ...]
    default: int | None = None

    @classmethod
    def from_json(cls, value: Any, where: str) -> Choice:
        obj = expect_object(value, where)
        default = obj.get("default")
        if default is not None and (not isinstance(default, int) or isinstance(default, bool)):
            raise ParseError(f"{where}.default is not an integer")
        return cls(possible=_ints(obj.get("possible"), f"{where}.possible"), default=default)


@dataclass(frozen=True)
class ColorChoice:
    """How many colors a light pattern takes, which ones, and its default colors."""

    min_colors: int
    max_colors: int
    possible: tuple[str, ...]
    default: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, value: Any, where: str) -> ColorChoice:
        obj = expect_object(value, where)
        return cls(
            min_colors=_count(obj, "minNbrColors", where),
            max_colors=_count(obj, "maxNbrColors", where),
            possible=_strs(obj.get("possible"), f"{where}.possible"),
            default=_strs(obj.get("default", []), f"{where}.default"),
        )


def _per_poe_class(value: Any, where: str) -> dict[str, Choice]:
    if value is None:
        return {}
    obj = expect_object(value, where)
    classes = expect_object(obj.get("poeClass"), f"{where}.poeClass")
    return {
        str(poe): Choice.from_json(choice, f"{where}.poeClass.{poe}")
        for poe, choice in classes.items()
    }


def _opt_choice(obj: Mapping[str, Any], key: str, where: str) -> Choice | None:
    value = obj.get(key)
    return None if value is None else Choice.from_json(value, f"{where}.{key}")


def _name(obj: Mapping[str, Any], where: str) -> str:
    name = obj.get("name")
    if not isinstance(name, str):
        raise ParseError(f"{where}.name is not a string")
    return name


@dataclass(frozen=True)
class SirenPattern:
    """A siren pattern; ``intensity`` maps a PoE class (``"3"``, ``"4"``) to its choices."""

    name: str
    intensity: dict[str, Choice] = field(default_factory=dict, hash=False)
    priority: Choice | None = None

    @classmethod
    def from_json(cls, value: Any, where: str) -> SirenPattern:
        obj = expect_object(value, where)
        return cls(
            name=_name(obj, where),
            intensity=_per_poe_class(obj.get("intensity"), f"{where}.intensity"),
            priority=_opt_choice(obj, "priority", where),
        )


@dataclass(frozen=True)
class LightPattern:
    """A light pattern; ``speed`` and ``colors`` are ``None`` where the pattern has none."""

    name: str
    speed: Choice | None = None
    colors: ColorChoice | None = None
    intensity: dict[str, Choice] = field(default_factory=dict, hash=False)
    priority: Choice | None = None

    @classmethod
    def from_json(cls, value: Any, where: str) -> LightPattern:
        obj = expect_object(value, where)
        colors = obj.get("colors")
        return cls(
            name=_name(obj, where),
            speed=_opt_choice(obj, "speed", where),
            colors=None if colors is None else ColorChoice.from_json(colors, f"{where}.colors"),
            intensity=_per_poe_class(obj.get("intensity"), f"{where}.intensity"),
            priority=_opt_choice(obj, "priority", where),
        )


def _patterns(obj: Mapping[str, Any], kind: str) -> list[Any]:
    section = obj.get(kind)
    if section is None:
        return []
    entries = expect_object(section, f"capabilities.{kind}").get("supportedPatterns", [])
    if not isinstance(entries, list):
        raise ParseError(f"capabilities.{kind}.supportedPatterns is not a list")
    return entries


@dataclass(frozen=True)
class Capabilities:
    """Patterns and features of one device, as ``getCapabilities`` reports them."""

    siren_patterns: tuple[SirenPattern, ...] = ()
    light_patterns: tuple[LightPattern, ...] = ()
    health_check: bool = False
    maintenance_mode: bool = False
    poe_class: str | None = None

    @classmethod
    def from_json(cls, value: Any, where: str = "capabilities") -> Capabilities:
        obj = expect_object(value, where)
        poe = obj.get("poeClass")
        if poe is not None and (isinstance(poe, bool) or not isinstance(poe, (str, int))):
            raise ParseError(f"{where}.poeClass is not a string")
        return cls(
            siren_patterns=tuple(
                SirenPattern.from_json(item, f"{where}.siren.supportedPatterns[{i}]")
                for i, item in enumerate(_patterns(obj, "siren"))
            ),
            light_patterns=tuple(
                LightPattern.from_json(item, f"{where}.light.supportedPatterns[{i}]")
                for i, item in enumerate(_patterns(obj, "light"))
            ),
            health_check=obj.get("healthCheckSupport") is True,
            maintenance_mode=obj.get("maintenanceModeSupport") is True,
            poe_class=None if poe is None else str(poe),
        )

    # --- lookups --------------------------------------------------------------------

    def siren_pattern(self, name: str) -> SirenPattern | None:
        return next((p for p in self.siren_patterns if p.name == name), None)

    def light_pattern(self, name: str) -> LightPattern | None:
        return next((p for p in self.light_patterns if p.name == name), None)

    def intensity_choice(self, pattern: SirenPattern | LightPattern) -> Choice | None:
        """The intensities allowed at the device's PoE class, or ``None`` if not listed."""
        if self.poe_class is None:
            return None
        return pattern.intensity.get(self.poe_class)

    # --- checks ---------------------------------------------------------------------

    def check_profile(self, profile: Profile) -> None:
        """Raise :class:`InvalidProfileError` unless this device accepts ``profile``."""
        profile.validate()
        if profile.siren is not None:
            self.check_siren(profile.siren)
        if profile.light is not None:
            self.check_light(profile.light)

    def check_siren(self, settings: SirenSettings, field: str = "siren") -> None:
        settings.validate(field)
        names = [p.name for p in self.siren_patterns]
        pattern = self.siren_pattern(settings.pattern)
        if pattern is None:
            raise _unknown_pattern(field, settings.pattern, names)
        self._check_intensity(field, pattern, settings.intensity)
        _check_choice(f"{field} priority", settings.priority, pattern.priority, pattern.name)

    def check_light(self, settings: LightSettings, field: str = "light") -> None:
        settings.validate(field)
        names = [p.name for p in self.light_patterns]
        pattern = self.light_pattern(settings.pattern)
        if pattern is None:
            raise _unknown_pattern(field, settings.pattern, names)
        self._check_intensity(field, pattern, settings.intensity)
        _check_choice(f"{field} speed", settings.speed, pattern.speed, pattern.name)
        _check_choice(f"{field} priority", settings.priority, pattern.priority, pattern.name)
        if settings.colors is not None:
            _check_colors(field, settings.colors, pattern)

    def _check_intensity(
        self, field: str, pattern: SirenPattern | LightPattern, intensity: int | None
    ) -> None:
        choice = self.intensity_choice(pattern)
        if intensity is None or choice is None or intensity in choice.possible:
            return
        raise InvalidProfileError(
            f"{field} intensity {intensity} is not allowed at PoE class {self.poe_class}; "
            f"allowed: {_join(choice.possible)}",
            field=f"{field}.intensity",
            value=intensity,
            allowed=choice.possible,
        )


def _unknown_pattern(field: str, given: str, names: list[str]) -> InvalidProfileError:
    if not names:
        return InvalidProfileError(
            f"{field} pattern {given!r} is not supported; this device lists no {field} patterns",
            field=f"{field}.pattern",
            value=given,
            allowed=(),
        )
    close = difflib.get_close_matches(given, names, n=1, cutoff=0.75)
    hint = f" did you mean {close[0]!r}?" if close else ""
    return InvalidProfileError(
        f"{field} pattern {given!r} is not supported;{hint} choose from: {_join(names)}",
        field=f"{field}.pattern",
        value=given,
        allowed=names,
    )


def _check_choice(label: str, value: int | None, choice: Choice | None, pattern: str) -> None:
    if value is None or choice is None or value in choice.possible:
        return
    raise InvalidProfileError(
        f"{label} {value} is not allowed for pattern {pattern!r}; "
        f"allowed: {_join(choice.possible)}",
        field=label.replace(" ", "."),
        value=value,
        allowed=choice.possible,
    )


def _check_colors(field: str, colors: tuple[str, ...], pattern: LightPattern) -> None:
    choice = pattern.colors
    if choice is None:
        if colors:
            raise InvalidProfileError(
                f"{len(colors)} colors given; {field} pattern {pattern.name!r} takes none",
                field=f"{field}.colors",
                value=colors,
                allowed=(),
            )
        return
    if not choice.min_colors <= len(colors) <= choice.max_colors:
        takes = (
            str(choice.min_colors)
            if choice.min_colors == choice.max_colors
            else f"{choice.min_colors}-{choice.max_colors}"
        )
        noun = "color" if len(colors) == 1 else "colors"
        raise InvalidProfileError(
            f"{len(colors)} {noun} given; {field} pattern {pattern.name!r} takes {takes}",
            field=f"{field}.colors",
            value=colors,
        )
    for color in colors:
        if color not in choice.possible:
            raise InvalidProfileError(
                f"{field} color {color!r} is not offered by pattern {pattern.name!r}; "
                f"allowed: {_join(choice.possible)}",
                field=f"{field}.colors",
                value=color,
                allowed=choice.possible,
            )
