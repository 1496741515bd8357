"""``/axis-cgi/param.cgi``: list, update, add and remove parameters; typed Brand/Properties."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from axisctl.codecs import param_text
from axisctl.errors import DeviceError, MalformedResponseError, ParseError
from axisctl.transport.flow import API, Flow, HttpRequest, HttpResponse, ModeT, operation

PATH = "/axis-cgi/param.cgi"
API_NAME = "param.cgi"


class ParameterGroupError(DeviceError):
    """A listing carried ``# Error:`` lines; ``partial`` holds what the device did return."""

    def __init__(self, message: str, *, partial: dict[str, str]) -> None:
        super().__init__(message, method="list", api=API_NAME)
        self.partial = partial


def _decode(response: HttpResponse) -> str:
    return response.text(default_charset=param_text.ENCODING)


def _raise_if_error(text: str, method: str) -> None:
    message = param_text.error_message(text)
    if message is not None:
        raise DeviceError(message, method=method, api=API_NAME)


def _groups_argument(groups: Iterable[str]) -> str:
    return ",".join(param_text.check_group(group) for group in groups)


@dataclass(frozen=True)
class Brand:
    """The ``Brand`` group: what the device says it is."""

    brand: str
    prod_full_name: str
    prod_nbr: str
    prod_short_name: str
    prod_type: str
    prod_variant: str
    web_url: str

    @classmethod
    def from_params(cls, values: Mapping[str, str]) -> Brand:
        def get(name: str) -> str:
            try:
                return values[f"Brand.{name}"]
            except KeyError:
                raise MalformedResponseError(
                    f"Brand group lacks Brand.{name}", api=API_NAME
                ) from None

        return cls(
            brand=get("Brand"),
            prod_full_name=get("ProdFullName"),
            prod_nbr=get("ProdNbr"),
            prod_short_name=get("ProdShortName"),
            prod_type=get("ProdType"),
            prod_variant=values.get("Brand.ProdVariant", ""),
            web_url=values.get("Brand.WebURL", ""),
        )


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() == "yes"


@dataclass(frozen=True)
class Properties:
    """The ``Properties`` group: firmware, serial number and which features the device has.

    ``raw`` keeps every ``Properties.*`` value, including ones this class has no field for.
    """

    firmware_version: str
    serial_number: str
    firmware_build_date: str | None = None
    architecture: str | None = None
    soc: str | None = None
    http_api_version: str | None = None
    api_discovery: bool = False
    virtual_input: bool = False
    light_control: bool = False
    manual_trigger_count: int | None = None
    resolutions: tuple[str, ...] = ()
    raw: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_params(cls, values: Mapping[str, str]) -> Properties:
        raw = {k: v for k, v in values.items() if k.startswith("Properties.")}
        for required in ("Properties.Firmware.Version", "Properties.System.SerialNumber"):
            if required not in raw:
                raise MalformedResponseError(f"Properties group lacks {required}", api=API_NAME)
        trigger = raw.get("Properties.IO.ManualTriggerNbr")
        try:
            manual_triggers = int(trigger) if trigger is not None else None
        except ValueError:
            raise MalformedResponseError(
                f"Properties.IO.ManualTriggerNbr is not a number: {trigger!r}", api=API_NAME
            ) from None
        resolutions = raw.get("Properties.Image.Resolution", "")
        return cls(
            firmware_version=raw["Properties.Firmware.Version"],
            serial_number=raw["Properties.System.SerialNumber"],
            firmware_build_date=raw.get("Properties.Firmware.BuildDate"),
            architecture=raw.get("Properties.System.Architecture"),
            soc=raw.get("Properties.System.Soc"),
            http_api_version=raw.get("Properties.API.HTTP.Version"),
            api_discovery=_yes(raw.get("Properties.ApiDiscovery.ApiDiscovery")),
            virtual_input=_yes(raw.get("Properties.VirtualInput.VirtualInput")),
            light_control=_yes(raw.get("Properties.LightControl.LightControl2")),
            manual_trigger_count=manual_triggers,
            resolutions=tuple(r for r in resolutions.split(",") if r),
            raw=raw,
        )


class ParamsAPI(API[ModeT]):
    """Legacy parameter handling (``param.cgi``)."""

    @operation
    def list(self, *groups: str) -> Flow[dict[str, str]]:
        """List parameters, all or those of the given groups (``Brand``, ``ImageSource.*.Name``).

        Names come back without ``root.``. If the device reports an unknown group it raises
        :class:`ParameterGroupError`, whose ``partial`` holds the groups that did answer.
        """
        params = {"action": "list"}
        if groups:
            params["group"] = _groups_argument(groups)
        response = yield HttpRequest("GET", PATH, api=API_NAME, params=params, idempotent=True)
        try:
            listing = param_text.parse_list(_decode(response))
        except ParseError as exc:
            raise MalformedResponseError(exc.message, api=API_NAME) from None
        if listing.errors:
            raise ParameterGroupError("; ".join(listing.errors), partial=listing.values)
        return listing.values

    @operation
    def get(self, name: str) -> Flow[str]:
        """The value of one parameter, e.g. ``Brand.ProdNbr``."""
        bare = param_text.check_name(name)
        values = yield from ParamsAPI.list.flow(self, bare)
        try:
            return values[bare]
        except KeyError:
            raise DeviceError(
                f"parameter {bare} not in answer", method="list", api=API_NAME
            ) from None

    @operation
    def update(self, values: Mapping[str, str]) -> Flow[None]:
        """Set parameters, ``{"Image.I0.Appearance.Resolution": "1280x720"}``.

        Sent as a form-encoded POST so values stay out of URLs and access logs.
        """
        if not values:
            raise ValueError("update needs at least one parameter")
        form = {"action": "update"}
        for name, value in values.items():
            form[param_text.check_name(name)] = param_text.check_value(name, value)
        response = yield HttpRequest("POST", PATH, api=API_NAME, data=form, idempotent=True)
        _expect_ok(response, "update")

    @operation
    def add(self, group: str, template: str, values: Mapping[str, str] | None = None) -> Flow[str]:
        """Add a dynamic group from a template; return the new group id such as ``S8``.

        ``values`` are relative to the new group: ``{"Name": "myprofile"}``.
        """
        bare_group = param_text.check_name(group)
        form = {"action": "add", "template": param_text.check_name(template), "group": bare_group}
        for name, value in (values or {}).items():
            full = f"{bare_group}.{param_text.group_letter(bare_group)}.{name}"
            form[param_text.check_name(full)] = param_text.check_value(name, value)
        response = yield HttpRequest("POST", PATH, api=API_NAME, data=form)
        new_id = _expect_ok(response, "add")
        if not new_id:
            raise MalformedResponseError("add answered OK without a group id", api=API_NAME)
        return new_id

    @operation
    def remove(self, *groups: str) -> Flow[None]:
        """Remove dynamic groups such as ``StreamProfile.S7``."""
        if not groups:
            raise ValueError("remove needs at least one group")
        form = {"action": "remove", "group": ",".join(param_text.check_name(g) for g in groups)}
        response = yield HttpRequest("POST", PATH, api=API_NAME, data=form)
        _expect_ok(response, "remove")

    @operation
    def brand(self) -> Flow[Brand]:
        """The ``Brand`` group as a typed record."""
        values = yield from ParamsAPI.list.flow(self, "Brand")
        return Brand.from_params(values)

    @operation
    def properties(self) -> Flow[Properties]:
        """The ``Properties`` group as a typed record."""
        values = yield from ParamsAPI.list.flow(self, "Properties")
        return Properties.from_params(values)


def _expect_ok(response: HttpResponse, method: str) -> str:
    text = _decode(response)
    _raise_if_error(text, method)
    try:
        return param_text.parse_status(text)
    except ParseError as exc:
        raise MalformedResponseError(f"{method}: {exc.message}", api=API_NAME) from None
