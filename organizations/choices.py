from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Cán bộ đầu mối")
    REVIEWER = "reviewer", _("Cán bộ duyệt báo cáo")
    UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


class DepartmentKind(models.TextChoices):
    PROPAGANDA = "tuyen_giao", _("Ban Tuyên giáo")
    POLICY_LAW = "chinh_sach_phap_luat", _("Ban Chính sách – Pháp luật")
    WOMEN = "nu_cong", _("Ban Nữ công")
    OFFICE = "van_phong", _("Văn phòng")
    SOCIO_ECONOMIC = "cskt_xh_tdkt", _("Ban CSKTXH&TĐKT")
    ORGANIZATION = "to_chuc", _("Ban Tổ chức")
    FINANCE = "tai_chinh", _("Ban Tài chính")
    OTHER = "khac", _("Ban khác")


class UnitKindCode:
    """Codes of the unit kinds the portal itself relies on; other kinds exist only as data."""

    CONFEDERATION = "tld"
    PROVINCIAL = "ldld_tinh"
    CENTRAL_SECTOR = "cd_nganh_tw"
    CORPORATION = "cd_tct"
    INTERMEDIATE = "cd_cap_tren_co_so"
    GRASSROOTS = "cdcs"
