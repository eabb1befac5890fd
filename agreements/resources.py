"""Spreadsheet import and export of the welfare programme: partners, offers, outlets and usage.

One django-import-export `ModelResource` per kind of record defines the columns (Vietnamese
headers, the same for export and import, so an export imports back), reads each cell with a
strict widget that raises a Vietnamese message, and writes in bulk.

Every resource is built for one importer: `OutletResource(user=..., unit=...)`. Foreign keys
resolve only inside that person's scope (a partner's tax code among
`Partner.objects.editable_by(user)`, an agreement number among the unit's agreements, …), and
records to update are looked up only among those the person may edit. Anything else is a row
error "… không có trong phạm vi của đơn vị".

Speed (10,000 outlet rows within 3× a plain `bulk_create`): bulk mode (`use_bulk`, batches of
1,000), no diff (`skip_diff`), the records to update loaded once per batch by
`ScopedCachedInstanceLoader`, rows without an identity column never looked up at all (what
`force_init_instance` does), and every foreign key resolved from a dict built once per import
rather than a query per row. `full_clean()` still runs on every row
(`clean_model_instances`), but without the checks that would query the database per row —
foreign keys (already resolved here), unique and check constraints — which each resource
checks itself, in Python, against what it loaded. `bulk_create` skips `save()`, so the search
key each model computes in `save()` is computed here, the same way, before the row is queued.

The file itself (reading, blank rows, row numbers, hostile files) is `unionportal.spreadsheets`;
running an import (dry run, batches, all-or-nothing write, background jobs) is
`agreements.services` (section "imports").
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from agreements.choices import DiscountKind, OfferCategory, UsageSource
from agreements.models import Agreement, BenefitUsage, Institution, Offer, Outlet, Partner
from organizations.models import Province, Unit, Ward
from unionportal.spreadsheets import SheetColumns, cell_text, parse_yes_no
from unionportal.text import fold

_LOOKUP_CHUNK = 2000


# --- Reading cells --------------------------------------------------------------------------------

_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED_WHOLE = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[/.-](\d{1,2})$")
_CURRENCY = re.compile(r"\s*(đồng|đ|vnđ|vnd)\.?$", re.IGNORECASE)


def parse_decimal(value: object) -> Decimal | None:
    """A number with ',' or '.' as the decimal mark ("12,5", "12.5", "1.234,5", "1,234.5")."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” không phải là số.") % {"value": value})
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = cell_text(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if _PLAIN_DECIMAL.match(text):
        return Decimal(text)
    if "," in text and "." in text:
        # The last mark is the decimal one; the other groups thousands.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif (text.count(",") > 1 or text.count(".") > 1) and _GROUPED_WHOLE.match(text):
        text = text.replace(",", "").replace(".", "")
    if not _PLAIN_DECIMAL.match(text):
        raise ValueError(_("“%(value)s” không phải là số.") % {"value": cell_text(value)})
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("“%(value)s” không phải là số.") % {"value": cell_text(value)}) from exc


def parse_whole(value: object) -> int | None:
    """A whole number ≥ 0; "1.200", "1,200" and "1 200" are 1200 (a count or an amount in đồng)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, float | Decimal) and value >= 0 and value == int(value):
        return int(value)
    text = _CURRENCY.sub("", cell_text(value)).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if _GROUPED_WHOLE.match(text):
        return int(text.replace(",", "").replace(".", ""))
    raise ValueError(_("“%(value)s” không phải là một số nguyên không âm.") % {"value": cell_text(value)})


def parse_date(value: object) -> date | None:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, yyyy-mm-dd, or a date cell of Excel)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    match = _DAY_MONTH_YEAR.match(text)
    parts = (int(match[3]), int(match[2]), int(match[1])) if match else None
    if parts is None and (iso := _ISO_DATE.match(text)):
        parts = (int(iso[1]), int(iso[2]), int(iso[3]))
    try:
        if parts is None:
            raise ValueError
        return date(*parts)
    except ValueError:
        raise ValueError(
            _("“%(value)s” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 31/12/2026).") % {"value": text}
        ) from None


def parse_month(value: object) -> date | None:
    """mm/yyyy (also m/yyyy, yyyy-mm, or a date, of which only the month counts): the 1st of it."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    text = cell_text(value)
    if not text:
        return None
    year = month = None
    if match := _MONTH_YEAR.match(text):
        month, year = int(match[1]), int(match[2])
    elif match := _YEAR_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
    else:
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day:
            year, month = day.year, day.month
    if year is None or not 1 <= month <= 12:
        raise ValueError(_("“%(value)s” không phải là tháng hợp lệ (ghi tháng/năm, ví dụ 03/2026).") % {"value": text})
    return date(year, month, 1)


def number_cell(value: Decimal | int | None) -> Decimal | int | str:
    """A number as a spreadsheet number: 10.00 → 10, 10.50 → 10.5, none → an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


# --- Widgets: one cell in, one Python value out, or a Vietnamese ValueError ----------------------------


class TextWidget(widgets.Widget):
    def __init__(self, required: bool = False):
        super().__init__(coerce_to_string=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text and self.required:
            raise ValueError(_("Ô này không được để trống."))
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class WebsiteWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        # People write "www.example.vn"; the model wants a full address.
        return f"https://{text}" if text and "://" not in text else text


class DecimalWidget(widgets.Widget):
    """A decimal number; `places` rounds it (coordinates: 6 places, about 10 cm)."""

    def __init__(self, places: int | None = None, percent: bool = False):
        super().__init__(coerce_to_string=False)
        self.quantum = Decimal(1).scaleb(-places) if places is not None else None
        self.percent = percent

    def clean(self, value, row=None, **kwargs):
        if self.percent and isinstance(value, str):
            value = value.strip().rstrip("%")
        number = parse_decimal(value)
        if number is not None and self.quantum is not None:
            number = number.quantize(self.quantum)
        return number

    def render(self, value, obj=None, **kwargs):
        return number_cell(value)


class WholeNumberWidget(widgets.Widget):
    def __init__(self, required: bool = False):
        super().__init__(coerce_to_string=False)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        number = parse_whole(value)
        if number is None and self.required:
            raise ValueError(_("Ô này không được để trống."))
        return number

    def render(self, value, obj=None, **kwargs):
        return number_cell(value)


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class MonthWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        month = parse_month(value)
        if month is None:
            raise ValueError(_("Ô này không được để trống."))
        return month

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%m/%Y") if value else ""


class YesNoWidget(widgets.Widget):
    _USUAL = {"Có": True, "Không": False, "có": True, "không": False, "x": True, "X": True, "": False}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str) and value in self._USUAL:
            return self._USUAL[value]  # the usual spellings, without folding every cell
        text = cell_text(value)
        if not text:
            return False
        answer = parse_yes_no(text)
        if answer is None:
            raise ValueError(_("“%(value)s” không hợp lệ: ghi “Có” hoặc “Không”.") % {"value": text})
        return answer

    def render(self, value, obj=None, **kwargs):
        return "Có" if value else "Không"


class ChoiceWidget(widgets.Widget):
    """A choice written as its code ("travel") or its Vietnamese label ("Du lịch, khách sạn")."""

    def __init__(self, choices, blank: str | None = ""):
        super().__init__(coerce_to_string=True)
        self.choices = choices
        self.blank = blank
        self.codes: dict[str, str] = {}
        with translation.override("vi"):
            self.labels = {value: str(label) for value, label in choices.choices}
        for value, label in self.labels.items():
            self.codes[fold(value)] = value
            self.codes[fold(label)] = value

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return self.blank
        code = self.codes.get(fold(text))
        if code is None:
            # Labels in the interface language are accepted as well (an English export).
            code = next((v for v, label in self.choices.choices if fold(str(label)) == fold(text)), None)
        if code is None:
            raise ValueError(
                _("“%(value)s” không hợp lệ; ghi một trong: %(choices)s.")
                % {"value": text, "choices": ", ".join(self.labels.values())}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class LookupWidget(widgets.Widget):
    """A foreign key found with `resolve(text)`, a look-up in a dict its resource built once per
    import (never a query per row). Exported by the resource's `dehydrate_<field>`."""

    def __init__(self, resolve, required: bool = False, blank=None):
        super().__init__(coerce_to_string=True)
        self.resolve = resolve
        self.required = required
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_("Ô này không được để trống."))
            return self.blank() if callable(self.blank) else self.blank
        return self.resolve(text, row)


# --- Loading the records a file updates ---------------------------------------------------------------


class ScopedCachedInstanceLoader(BaseInstanceLoader):
    """Like import-export's `CachedInstanceLoader`: the records a batch of rows may update are
    loaded in one query per batch, but only among those the importer may edit, and keyed by
    whatever identifies a row (an id, a tax code, a unit + month + partner) without failing
    on a key that does not parse (that row reports it instead)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = resource.load_existing(dataset) if dataset is not None else {}

    def get_instance(self, row):
        key = self.resource.identity(row)
        return self.instances.get(key) if key is not None else None


# --- The resources ---------------------------------------------------------------------------------------


class ProgrammeResource(resources.ModelResource):
    """What every resource of the programme shares: the importer, scoped lookups, bulk writes,
    Vietnamese row errors and row numbers as the spreadsheet shows them."""

    slug = ""
    label = ""  # what the pages call these records (not `title`: Offer has a field of that name)
    do_not_call_in_templates = True  # pages show the class's slug and label
    # Column headers are a file format, not interface text: they stay Vietnamese in every
    # interface language, so an exported file always imports again.
    required_columns: tuple[str, ...] = ()
    one_of_columns: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = {}
    # Foreign keys this resource resolves and checks itself; `full_clean` would query per row.
    resolved_fields: tuple[str, ...] = ()
    # Fields written on update besides the file's columns (computed ones).
    computed_fields: tuple[str, ...] = ("search_key",)
    column_widths: tuple[int, ...] = ()
    identity_column = "id"

    class Meta:
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        clean_model_instances = True
        store_instance = False
        report_skipped = False
        use_transactions = True
        instance_loader_class = ScopedCachedInstanceLoader
        chunk_size = 2000

    def __init__(self, *, user, unit: Unit | None = None):
        super().__init__()
        self.user = user
        self.unit = unit
        self.row_numbers: list[int] | None = None
        self.current_row = 0
        self.first_row_of: dict[object, int] = {}
        self._import_fields: list[Field] | None = None
        self._bulk_update_fields: list[str] = []
        self._plan: list[tuple[str, str, widgets.Widget]] = []
        self._not_in_file: set[str] = set()
        fields = self._meta.model._meta.concrete_fields
        # A new instance from positional defaults: Model.__init__'s fast path, a fifth of the
        # per-row time otherwise. Only when no default must be computed per instance.
        self._blank_values = (
            None if any(callable(f.default) for f in fields if f.has_default())
            else tuple(f.get_default() for f in fields)
        )
        self._column_of: dict[str, str] = {}
        for name, field in self.fields.items():
            self._column_of[name] = field.column_name
            if field.attribute:
                self._column_of[field.attribute] = field.column_name
        self._column_of[NON_FIELD_ERRORS] = ""

    # -- columns

    @classmethod
    def sheet_columns(cls) -> SheetColumns:
        headers = {name: field.column_name for name, field in cls.fields.items()}
        return SheetColumns(headers, aliases=cls.aliases, required=cls.required_columns, one_of=cls.one_of_columns)

    @classmethod
    def column_headers(cls) -> list[str]:
        return [field.column_name for field in cls.fields.values()]

    def column_for(self, key: str) -> str:
        return self._column_of.get(key, "")

    # -- import workflow hooks

    def get_queryset(self):
        """Records the importer may change; the only ones a row can update."""
        return self._meta.model.objects.editable_by(self.user)

    def get_import_fields(self):
        # import-export recomputes this list for every row; it never changes.
        if self._import_fields is None:
            self._import_fields = [f for f in super().get_import_fields() if f.attribute and not f.readonly]
        return self._import_fields

    def get_bulk_update_fields(self):
        return self._bulk_update_fields

    def before_import(self, dataset, **kwargs):
        headers = set(dataset.headers or ())
        model = self._meta.model
        self._plan = [
            (field.column_name, field.attribute, field.widget)
            for field in self.get_import_fields()
            if field.column_name in headers
        ]
        names = [model._meta.get_field(attribute).name for _column, attribute, _widget in self._plan]
        self._bulk_update_fields = list(dict.fromkeys([*names, *self.computed_fields]))
        # full_clean checks what the file writes; the other fields keep the model's defaults
        # (a new record) or the values already saved (an update).
        self._not_in_file = {f.name for f in model._meta.concrete_fields} - set(names)
        self.load_lookups(dataset)

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource.after_import: it resets the table's id sequence to max(id), which
        # could hand out ids that concurrent inserts already hold. New rows never carry an id.
        pass

    def before_import_row(self, row, **kwargs):
        number = kwargs.get("row_number", 0)
        self.current_row = self.row_numbers[number - 1] if self.row_numbers else number + 1

    def get_or_init_instance(self, instance_loader, row):
        key = self.identity(row)
        if key is None:
            # No identity (a file of new records): never looked up, as `force_init_instance` does.
            return self.init_instance(row), True
        column = self.identity_column_of(key)
        self.check_duplicate(key, column)
        instance = instance_loader.get_instance(row)
        if instance is None:
            self.when_not_found(key, row)
            return self.init_instance(row), True
        self.check_duplicate(("pk", instance.pk), column)
        return instance, False

    def identity_column_of(self, key) -> str:
        return self.identity_column

    def check_duplicate(self, key, column: str) -> None:
        first = self.first_row_of.setdefault(key, self.current_row)
        if first != self.current_row:
            raise ValidationError(
                {column: _("Trùng với dòng %(row)d: mỗi bản ghi chỉ được ghi một lần trong tệp.") % {"row": first}}
            )

    def import_instance(self, instance, row, **kwargs):
        """Every cell of the row through its field's widget onto the instance, as import-export's
        own `import_instance` does, but in one tight loop over the columns the file has (worked
        out once per file in `before_import`): its per-cell `import_field` → `Field.save` →
        `Field.clean` chain was a third of the import's time. Then the row-level rules."""
        errors: dict = {}
        for column, attribute, widget in self._plan:
            try:
                setattr(instance, attribute, widget.clean(row[column], row=row))
            except ValueError as exc:
                errors[attribute] = [ValidationError(str(exc), code="invalid")]
        for key, message in self.check_row(instance, row, failed=set(errors)):
            errors.setdefault(key, []).append(ValidationError(message))
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """`full_clean()` of the row, without the checks that would query the database per row
        (resolved foreign keys, unique and check constraints: `check_row` does those)."""
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            exclude = {*errors, *self.resolved_fields, *self._not_in_file}
            try:
                instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # bulk_create and bulk_update skip Model.save(), where the search key is computed.
        instance.search_key = self.search_key(instance)

    def init_instance(self, row=None):
        model = self._meta.model
        return model(*self._blank_values) if self._blank_values is not None else model()

    # -- per resource

    def identity(self, row) -> object | None:
        """What identifies the record a row updates; None: the row is a new record."""
        text = cell_text(row.get(self.fields["id"].column_name))
        if not text:
            return None
        if not text.isdigit():
            raise ValidationError({"id": _("“%(value)s” không phải là mã hợp lệ.") % {"value": text}})
        return int(text)

    def when_not_found(self, key, row) -> None:
        raise ValidationError(
            {"id": _("Mã “%(value)s” không có trong phạm vi của đơn vị.") % {"value": key}}
        )

    def load_existing(self, dataset) -> dict:
        column = self.fields["id"].column_name
        if column not in (dataset.headers or ()):
            return {}
        ids = {int(t) for t in (cell_text(v) for v in dataset[column]) if t.isdigit()}
        return {obj.pk: obj for obj in self._in_chunks(self.get_queryset(), "pk__in", ids)}

    def load_lookups(self, dataset) -> None:
        """Build the dicts foreign keys resolve from (called per batch; loads only new keys)."""

    def check_row(self, instance, row, failed: set) -> list[tuple[str, str]]:
        """Rules the model holds as constraints or across fields: (field, message) pairs."""
        return []

    def search_key(self, instance) -> str:
        raise NotImplementedError

    def export_queryset(self):
        return self._meta.model.objects.visible_to(self.user)

    def export_dataset(self) -> tablib.Dataset:
        dataset = self.export(self.export_queryset())
        dataset.title = str(self.label)[:31]
        return dataset

    # -- helpers

    @staticmethod
    def _in_chunks(queryset, lookup: str, keys) -> list:
        keys = sorted(keys, key=str)
        found = []
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            found.extend(queryset.filter(**{lookup: keys[start : start + _LOOKUP_CHUNK]}))
        return found

    @staticmethod
    def _column_values(dataset, column: str) -> set[str]:
        if column not in (dataset.headers or ()):
            return set()
        return {t for t in (cell_text(v) for v in dataset[column]) if t}


class ProvinceWardLookups:
    """The 34 provinces and 3,321 wards, loaded once per import (reference data)."""

    def __init__(self):
        self.provinces: dict[str, int] = {}
        self.province_names: dict[int, str] = {}
        for code, name, key in Province.objects.values_list("code", "name", "search_key"):
            self.provinces[str(code)] = code
            self.provinces[key or fold(name)] = code
            self.province_names[code] = name
        self.wards: dict[str, tuple[int, int, str]] = {
            str(code): (code, province_id, name) for code, province_id, name in Ward.objects.values_list("code", "province_id", "name")
        }

    def province(self, text: str) -> int:
        code = self.provinces.get(text.lstrip("0") or "0") or self.provinces.get(fold(text))
        if code is None:
            raise ValueError(_("Mã tỉnh “%(value)s” không có trong danh mục 34 tỉnh, thành phố.") % {"value": text})
        return code

    def ward(self, text: str) -> int:
        ward = self.wards.get(text.lstrip("0") or "0")
        if ward is None:
            raise ValueError(_("Mã phường/xã “%(value)s” không có trong danh mục.") % {"value": text})
        return ward[0]


class PartnerResource(ProgrammeResource):
    """Đối tác of the importer's unit. A row updates the partner with its "Mã đối tác" (id) or,
    without one, the unit's partner with the same tax code; otherwise it adds a partner."""

    slug = "doi-tac"
    label = gettext_lazy("Đối tác")
    required_columns = ("name",)
    column_widths = (12, 40, 16, 24, 40, 28, 24, 16, 28)

    id = Field(attribute="id", column_name="Mã đối tác", widget=widgets.Widget(coerce_to_string=False), readonly=True)
    name = Field(attribute="name", column_name="Tên đối tác", widget=TextWidget(required=True))
    tax_code = Field(attribute="tax_code", column_name="Mã số thuế", widget=TextWidget())
    sector = Field(attribute="sector", column_name="Lĩnh vực", widget=TextWidget())
    address = Field(attribute="address", column_name="Địa chỉ trụ sở", widget=TextWidget())
    website = Field(attribute="website", column_name="Trang web", widget=WebsiteWidget())
    contact_name = Field(attribute="contact_name", column_name="Người liên hệ", widget=TextWidget())
    contact_phone = Field(attribute="contact_phone", column_name="Điện thoại người liên hệ", widget=TextWidget())
    contact_email = Field(attribute="contact_email", column_name="Email người liên hệ", widget=TextWidget())

    class Meta:
        model = Partner
        fields = ("id", "name", "tax_code", "sector", "address", "website", "contact_name", "contact_phone",
                  "contact_email")
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.tax_code_owner: dict[tuple[int, str], int] = {}  # (unit id, tax code) -> partner id

    def identity(self, row):
        key = super().identity(row) if self.fields["id"].column_name in row else None
        if key is not None:
            return key
        tax_code = cell_text(row.get(self.fields["tax_code"].column_name))
        return ("tax", tax_code) if tax_code else None

    def identity_column_of(self, key):
        return "tax_code" if isinstance(key, tuple) else "id"

    def when_not_found(self, key, row):
        if isinstance(key, int):
            raise ValidationError(
                {"id": _("Đối tác mã “%(value)s” không có trong phạm vi của đơn vị.") % {"value": key}}
            )

    def load_existing(self, dataset):
        existing = super().load_existing(dataset)
        tax_codes = self._column_values(dataset, self.fields["tax_code"].column_name)
        own = self._in_chunks(Partner.objects.filter(unit=self.unit), "tax_code__in", tax_codes)
        existing.update({("tax", p.tax_code): p for p in own})
        units = {self.unit.pk, *(p.unit_id for p in existing.values())}
        for partner_id, unit_id, tax_code in self._in_chunks(
            Partner.objects.filter(unit_id__in=units).values_list("id", "unit_id", "tax_code"), "tax_code__in", tax_codes
        ):
            self.tax_code_owner[(unit_id, tax_code)] = partner_id
        return existing

    def init_instance(self, row=None):
        return Partner(unit=self.unit)

    def check_row(self, instance, row, failed):
        problems = []
        if instance.tax_code and "tax_code" not in failed:
            owner = self.tax_code_owner.get((instance.unit_id, instance.tax_code))
            if owner is not None and owner != instance.pk:
                problems.append(("tax_code", _("Đơn vị đã có đối tác với mã số thuế này.")))
        return problems

    def search_key(self, instance):
        # Partner.save() computes the same key.
        return fold(f"{instance.name} {instance.tax_code} {instance.sector}")

    def export_queryset(self):
        return super().export_queryset().order_by("name", "pk")


class OfferResource(ProgrammeResource):
    """Ưu đãi of the importer's unit's agreements, found by the agreement's number."""

    slug = "uu-dai"
    label = gettext_lazy("Ưu đãi")
    required_columns = ("agreement", "title")
    resolved_fields = ("agreement",)
    column_widths = (12, 16, 40, 40, 24, 22, 12, 16, 20, 40, 14, 14)

    id = Field(attribute="id", column_name="Mã ưu đãi", widget=widgets.Widget(coerce_to_string=False), readonly=True)
    agreement = Field(attribute="agreement_id", column_name="Số thỏa thuận")
    title = Field(attribute="title", column_name="Tên ưu đãi", widget=TextWidget(required=True))
    description = Field(attribute="description", column_name="Mô tả", widget=TextWidget())
    category = Field(attribute="category", column_name="Nhóm ưu đãi", widget=ChoiceWidget(OfferCategory, blank="other"))
    discount_kind = Field(attribute="discount_kind", column_name="Hình thức ưu đãi",
                          widget=ChoiceWidget(DiscountKind, blank=""))
    discount_percent = Field(attribute="discount_percent", column_name="Mức giảm (%)",
                             widget=DecimalWidget(places=2, percent=True))
    discount_amount = Field(attribute="discount_amount", column_name="Số tiền giảm (đồng)", widget=WholeNumberWidget())
    special_price = Field(attribute="special_price", column_name="Giá ưu đãi", widget=TextWidget())
    conditions = Field(attribute="conditions", column_name="Điều kiện áp dụng", widget=TextWidget())
    valid_from = Field(attribute="valid_from", column_name="Áp dụng từ ngày", widget=DateWidget())
    valid_until = Field(attribute="valid_until", column_name="Áp dụng đến ngày", widget=DateWidget())

    class Meta:
        model = Offer
        fields = ("id", "agreement", "title", "description", "category", "discount_kind", "discount_percent",
                  "discount_amount", "special_price", "conditions", "valid_from", "valid_until")
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.agreements: dict[str, list[tuple[int, str]]] = {}  # number -> [(id, partner name)]
        self.partner_names: dict[int, str] = {}
        self.fields["agreement"].widget = LookupWidget(self.resolve_agreement, required=True)

    def load_lookups(self, dataset):
        numbers = self._column_values(dataset, self.fields["agreement"].column_name) - self.agreements.keys()
        if not numbers:
            return
        scoped = Agreement.objects.editable_by(self.user).filter(unit=self.unit)
        for number in numbers:
            self.agreements[number] = []
        for pk, number, partner_name in self._in_chunks(
            scoped.values_list("pk", "number", "partner__name"), "number__in", numbers
        ):
            self.agreements[number].append((pk, partner_name))
            self.partner_names[pk] = partner_name

    def resolve_agreement(self, text, row):
        found = self.agreements.get(text, [])
        if not found:
            raise ValueError(_("Thỏa thuận số “%(value)s” không có trong phạm vi của đơn vị.") % {"value": text})
        if len(found) > 1:
            raise ValueError(_("Đơn vị có nhiều thỏa thuận cùng số “%(value)s”; hãy sửa số thỏa thuận trước.")
                             % {"value": text})
        return found[0][0]

    def when_not_found(self, key, row):
        raise ValidationError({"id": _("Ưu đãi mã “%(value)s” không có trong phạm vi của đơn vị.") % {"value": key}})

    def check_row(self, instance, row, failed):
        problems = []
        if not instance.discount_kind and "discount_kind" not in failed:
            # Not written: the kind follows from the column that was filled.
            if instance.discount_percent is not None:
                instance.discount_kind = DiscountKind.PERCENT
            elif instance.discount_amount is not None:
                instance.discount_kind = DiscountKind.AMOUNT
            elif instance.special_price:
                instance.discount_kind = DiscountKind.SPECIAL_PRICE
            else:
                problems.append(("discount_kind", _("Ghi mức giảm (%), số tiền giảm hoặc giá ưu đãi.")))
        kind = instance.discount_kind
        if kind == DiscountKind.PERCENT and instance.discount_percent is None and "discount_percent" not in failed:
            problems.append(("discount_percent", _("Ưu đãi giảm theo phần trăm cần ghi mức giảm (%).")))
        if kind == DiscountKind.AMOUNT and instance.discount_amount is None and "discount_amount" not in failed:
            problems.append(("discount_amount", _("Ưu đãi giảm một số tiền cần ghi số tiền giảm.")))
        if kind == DiscountKind.SPECIAL_PRICE and not instance.special_price and "special_price" not in failed:
            problems.append(("special_price", _("Ưu đãi giá đặc biệt cần ghi giá ưu đãi.")))
        percent = instance.discount_percent
        if percent is not None and not 0 <= percent <= 100:
            problems.append(("discount_percent", _("Mức giảm phải từ 0 đến 100%.")))
        if instance.valid_from and instance.valid_until and instance.valid_until < instance.valid_from:
            problems.append(("valid_until", _("Ngày kết thúc áp dụng phải sau ngày bắt đầu.")))
        return problems

    def search_key(self, instance):
        # Offer.save() computes the same key, reading the partner through the agreement. The
        # category's label goes into the key in Vietnamese, whatever the importer's language.
        with translation.override("vi"):
            return instance.build_search_key(self.partner_names.get(instance.agreement_id, ""))

    def export_queryset(self):
        return super().export_queryset().select_related("agreement").order_by("agreement__number", "title", "pk")

    def dehydrate_agreement(self, offer):
        return offer.agreement.number


class OutletResource(ProgrammeResource):
    """Điểm bán of the importer's partners, found by the partner's tax code."""

    slug = "diem-ban"
    label = gettext_lazy("Điểm bán")
    required_columns = ("partner", "name", "address", "province")
    aliases = {"displays_sign": ("Có biển niêm yết ưu đãi", "Biển niêm yết")}
    resolved_fields = ("partner", "province", "ward")
    column_widths = (12, 18, 36, 44, 10, 14, 16, 12, 12, 16)

    id = Field(attribute="id", column_name="Mã điểm bán", widget=widgets.Widget(coerce_to_string=False), readonly=True)
    partner = Field(attribute="partner_id", column_name="Mã số thuế đối tác")
    name = Field(attribute="name", column_name="Tên điểm bán", widget=TextWidget(required=True))
    address = Field(attribute="address", column_name="Địa chỉ", widget=TextWidget(required=True))
    province = Field(attribute="province_id", column_name="Mã tỉnh")
    ward = Field(attribute="ward_id", column_name="Mã phường/xã")
    phone = Field(attribute="phone", column_name="Điện thoại", widget=TextWidget())
    latitude = Field(attribute="latitude", column_name="Vĩ độ", widget=DecimalWidget(places=6))
    longitude = Field(attribute="longitude", column_name="Kinh độ", widget=DecimalWidget(places=6))
    displays_sign = Field(attribute="displays_sign", column_name="Có biển niêm yết", widget=YesNoWidget())

    class Meta:
        model = Outlet
        fields = ("id", "partner", "name", "address", "province", "ward", "phone", "latitude", "longitude",
                  "displays_sign")
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.partners: dict[str, list[tuple[int, int]]] = {}  # tax code -> [(partner id, unit id)]
        self.fields["partner"].widget = LookupWidget(self.resolve_partner, required=True)
        self.fields["province"].widget = LookupWidget(lambda text, row: self.places.province(text), required=True)
        self.fields["ward"].widget = LookupWidget(lambda text, row: self.places.ward(text))

    @cached_property
    def places(self) -> ProvinceWardLookups:
        return ProvinceWardLookups()

    def load_lookups(self, dataset):
        codes = self._column_values(dataset, self.fields["partner"].column_name) - self.partners.keys()
        if not codes:
            return
        for code in codes:
            self.partners[code] = []
        scoped = Partner.objects.editable_by(self.user).values_list("tax_code", "pk", "unit_id")
        for tax_code, pk, unit_id in self._in_chunks(scoped, "tax_code__in", codes):
            self.partners[tax_code].append((pk, unit_id))

    def resolve_partner(self, text, row):
        found = self.partners.get(text, [])
        if len(found) > 1:
            # Several units have a partner with this tax code (a system administrator's scope):
            # the importing unit's own partner is meant.
            found = [p for p in found if p[1] == self.unit.pk] or found
        if not found:
            raise ValueError(_("Đối tác có mã số thuế “%(value)s” không có trong phạm vi của đơn vị.") % {"value": text})
        if len(found) > 1:
            raise ValueError(_("Nhiều đơn vị có đối tác mã số thuế “%(value)s”; hãy nhập từ đơn vị quản lý đối tác.")
                             % {"value": text})
        return found[0][0]

    def when_not_found(self, key, row):
        raise ValidationError({"id": _("Điểm bán mã “%(value)s” không có trong phạm vi của đơn vị.") % {"value": key}})

    def check_row(self, instance, row, failed):
        problems = []
        if instance.ward_id and instance.province_id and not failed & {"ward_id", "province_id"}:
            _code, ward_province, ward_name = self.places.wards[str(instance.ward_id)]
            if ward_province != instance.province_id:
                problems.append((
                    "ward_id",
                    _("Phường/xã “%(ward)s” không thuộc %(province)s.")
                    % {"ward": ward_name, "province": self.places.province_names[instance.province_id]},
                ))
        if instance.latitude is not None and not -90 <= instance.latitude <= 90:
            problems.append(("latitude", _("Vĩ độ phải từ -90 đến 90.")))
        if instance.longitude is not None and not -180 <= instance.longitude <= 180:
            problems.append(("longitude", _("Kinh độ phải từ -180 đến 180.")))
        return problems

    def search_key(self, instance):
        # Outlet.save() computes the same key.
        return fold(f"{instance.name} {instance.address}")[:600]

    def export_queryset(self):
        return (
            super().export_queryset().select_related("partner")
            .order_by("partner__name", "province_id", "name", "pk")
        )

    def dehydrate_partner(self, outlet):
        return outlet.partner.tax_code

    def dehydrate_province(self, outlet):
        return outlet.province_id

    def dehydrate_ward(self, outlet):
        return outlet.ward_id if outlet.ward_id is not None else ""


class BenefitUsageResource(ProgrammeResource):
    """Lượt sử dụng ưu đãi by month: a row updates the same unit + month + partner (or
    institution) if it is already recorded, otherwise adds it. The unit is the importer's unit
    unless the row names another one the importer may edit."""

    slug = "su-dung"
    label = gettext_lazy("Lượt sử dụng ưu đãi")
    required_columns = ("month", "members_count")
    one_of_columns = ("partner", "institution")
    aliases = {"members_count": ("Số lượt sử dụng", "Số đoàn viên sử dụng"), "value_million": ("Giá trị",)}
    resolved_fields = ("unit", "partner", "institution")
    computed_fields = ("source",)
    column_widths = (14, 10, 18, 36, 16, 16, 30)
    identity_column = "month"

    unit = Field(attribute="unit", column_name="Mã đơn vị")
    month = Field(attribute="month", column_name="Tháng", widget=MonthWidget())
    partner = Field(attribute="partner_id", column_name="Mã số thuế đối tác")
    institution = Field(attribute="institution_id", column_name="Tên thiết chế")
    members_count = Field(attribute="members_count", column_name="Số lượt đoàn viên sử dụng",
                          widget=WholeNumberWidget(required=True))
    value_million = Field(attribute="value_million", column_name="Giá trị (triệu đồng)", widget=DecimalWidget(places=3))
    note = Field(attribute="note", column_name="Ghi chú", widget=TextWidget())

    class Meta:
        model = BenefitUsage
        fields = ("unit", "month", "partner", "institution", "members_count", "value_million", "note")
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.units: dict[str, Unit] = {self.unit.code: self.unit} if self.unit else {}
        self.partners: dict[str, list[tuple[int, str]]] = {}  # tax code -> [(id, unit path)]
        self.institutions: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # folded name -> [(id, path, name)]
        self._institutions_loaded = False
        self.fields["unit"].widget = LookupWidget(self.resolve_unit, blank=lambda: self.unit)
        self.fields["partner"].widget = LookupWidget(self.resolve_partner)
        self.fields["institution"].widget = LookupWidget(self.resolve_institution)

    def load_lookups(self, dataset):
        codes = self._column_values(dataset, self.fields["unit"].column_name) - self.units.keys()
        if codes:
            for unit in self._in_chunks(Unit.objects.editable_by(self.user), "code__in", codes):
                self.units[unit.code] = unit
        tax_codes = self._column_values(dataset, self.fields["partner"].column_name) - self.partners.keys()
        if tax_codes:
            for code in tax_codes:
                self.partners[code] = []
            visible = Partner.objects.visible_to(self.user).values_list("tax_code", "pk", "unit__path")
            for tax_code, pk, path in self._in_chunks(visible, "tax_code__in", tax_codes):
                self.partners[tax_code].append((pk, path))
        if not self._institutions_loaded and self._column_values(dataset, self.fields["institution"].column_name):
            self._institutions_loaded = True
            for pk, name, path in Institution.objects.visible_to(self.user).values_list("pk", "name", "unit__path"):
                self.institutions[fold(name)].append((pk, path, name))

    def _row_unit(self, row) -> Unit | None:
        text = cell_text(row.get(self.fields["unit"].column_name))
        return self.unit if not text else self.units.get(text)

    @staticmethod
    def _nearest(candidates, unit: Unit | None):
        """The candidate owned by the row's unit or the nearest unit above it (whose agreements
        reach the unit's members); None if there is none."""
        if unit is None:
            return None
        reaching = [c for c in candidates if unit.path.startswith(c[1])]
        return max(reaching, key=lambda c: len(c[1]), default=None)

    def resolve_unit(self, text, row):
        unit = self.units.get(text)
        if unit is None:
            raise ValueError(_("Đơn vị mã “%(value)s” không có trong phạm vi được nhập của bạn.") % {"value": text})
        return unit

    def resolve_partner(self, text, row):
        candidates = self.partners.get(text, [])
        chosen = self._nearest(candidates, self._row_unit(row))
        if chosen is None and len(candidates) == 1:
            chosen = candidates[0]
        if chosen is None:
            raise ValueError(_("Đối tác có mã số thuế “%(value)s” không có trong phạm vi của đơn vị.") % {"value": text})
        return chosen[0]

    def resolve_institution(self, text, row):
        candidates = self.institutions.get(fold(text), [])
        chosen = self._nearest(candidates, self._row_unit(row))
        if chosen is None and len(candidates) == 1:
            chosen = candidates[0]
        if chosen is None:
            if candidates:
                raise ValueError(_("Có nhiều thiết chế tên “%(value)s”; không biết là thiết chế nào.") % {"value": text})
            raise ValueError(_("Thiết chế “%(value)s” không có trong phạm vi của đơn vị.") % {"value": text})
        return chosen[0]

    def identity(self, row):
        """(unit, month, partner, institution), or None while any of them does not resolve
        (that row then reports why)."""
        try:
            unit = self._row_unit(row)
            month = parse_month(row.get(self.fields["month"].column_name))
            tax_code = cell_text(row.get(self.fields["partner"].column_name))
            name = cell_text(row.get(self.fields["institution"].column_name))
            partner_id = self.resolve_partner(tax_code, row) if tax_code else None
            institution_id = self.resolve_institution(name, row) if name else None
        except ValueError:
            return None
        if unit is None or month is None or (partner_id is None) == (institution_id is None):
            return None
        return (unit.pk, month, partner_id, institution_id)

    def when_not_found(self, key, row):
        pass  # a month not recorded yet: a new record

    def load_existing(self, dataset):
        self.load_lookups(dataset)
        keys = set()
        for values in dataset:
            key = self.identity(dict(zip(dataset.headers, values, strict=False)))
            if key is not None:
                keys.add(key)
        if not keys:
            return {}
        units = {k[0] for k in keys}
        months = {k[1] for k in keys}
        found = self.get_queryset().filter(unit_id__in=units, month__in=months).select_related("unit")
        existing = {}
        for usage in found:
            key = (usage.unit_id, usage.month, usage.partner_id, usage.institution_id)
            if key in keys:
                existing[key] = usage
        return existing

    def init_instance(self, row=None):
        return BenefitUsage(unit=self.unit, source=UsageSource.IMPORT)

    def check_row(self, instance, row, failed):
        instance.source = UsageSource.IMPORT
        problems = []
        if instance.partner_id is None and instance.institution_id is None and not failed & {"partner_id", "institution_id"}:
            problems.append((NON_FIELD_ERRORS, _("Ghi mã số thuế đối tác hoặc tên thiết chế công đoàn.")))
        if instance.partner_id is not None and instance.institution_id is not None:
            problems.append((NON_FIELD_ERRORS, _("Chỉ ghi một trong hai: mã số thuế đối tác hoặc tên thiết chế.")))
        if instance.value_million is not None and instance.value_million < 0:
            problems.append(("value_million", _("Giá trị không được âm.")))
        return problems

    def before_save_instance(self, instance, row, **kwargs):
        pass  # no search key

    def export_queryset(self):
        return (
            super().export_queryset().select_related("unit", "partner", "institution")
            .order_by("-month", "unit__path", "partner__name", "institution__name", "pk")
        )

    def dehydrate_unit(self, usage):
        return usage.unit.code

    def dehydrate_partner(self, usage):
        return usage.partner.tax_code if usage.partner_id else ""

    def dehydrate_institution(self, usage):
        return usage.institution.name if usage.institution_id else ""


RESOURCES: dict[str, type[ProgrammeResource]] = {
    resource.slug: resource for resource in (PartnerResource, OfferResource, OutletResource, BenefitUsageResource)
}
