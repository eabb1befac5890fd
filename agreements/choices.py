from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementScope(models.TextChoices):
    NATIONWIDE = "nationwide", _("Toàn quốc")
    SUBTREE = "subtree", _("Đơn vị ký và các công đoàn cấp dưới")
    PROVINCES = "provinces", _("Một số tỉnh, thành phố")


class AgreementStatus(models.TextChoices):
    """Draft and terminated are recorded; in force and expired follow from the dates."""

    DRAFT = "draft", _("Dự thảo")
    IN_FORCE = "in_force", _("Đang hiệu lực")
    NOT_YET = "not_yet", _("Chưa đến ngày hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")
    TERMINATED = "terminated", _("Đã chấm dứt")


class OfferCategory(models.TextChoices):
    FOOD = "food", _("Lương thực, thực phẩm")
    CONSUMER_GOODS = "consumer_goods", _("Hàng tiêu dùng")
    APPLIANCES = "appliances", _("Điện máy, gia dụng")
    LEISURE = "leisure", _("Vui chơi, giải trí")
    TELECOM = "telecom", _("Viễn thông")
    BANKING = "banking", _("Ngân hàng, tài chính")
    HEALTH = "health", _("Y tế, sức khỏe")
    EDUCATION = "education", _("Giáo dục")
    TRAVEL = "travel", _("Du lịch, khách sạn")
    HOUSING = "housing", _("Nhà ở")
    OTHER = "other", _("Khác")


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Giảm theo phần trăm")
    AMOUNT = "amount", _("Giảm một số tiền")
    SPECIAL_PRICE = "special_price", _("Giá ưu đãi")


class InstitutionKind(models.TextChoices):
    WORKER_HOUSING = "worker_housing", _("Nhà ở công nhân")
    KINDERGARTEN = "kindergarten", _("Nhà trẻ, mẫu giáo")
    SUPERMARKET = "supermarket", _("Siêu thị công đoàn")
    CULTURAL_HOUSE = "cultural_house", _("Nhà văn hóa công nhân")
    SPORTS_GROUND = "sports_ground", _("Sân thể thao")
    UNION_HOTEL = "union_hotel", _("Khách sạn công đoàn")
    UNION_UNIVERSITY = "union_university", _("Trường đại học công đoàn")
    VOCATIONAL_SCHOOL = "vocational_school", _("Trường dạy nghề")
    LEGAL_ADVICE = "legal_advice", _("Trung tâm tư vấn pháp luật")


class ComplaintKind(models.TextChoices):
    REFUSED = "refused", _("Điểm bán từ chối áp dụng ưu đãi")
    NO_SIGN = "no_sign", _("Điểm bán không niêm yết biển ưu đãi")
    OTHER = "other", _("Vấn đề khác")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Mới")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    CLOSED = "closed", _("Đã đóng")


class UsageSource(models.TextChoices):
    MANUAL = "manual", _("Nhập tay")
    IMPORT = "import", _("Nhập từ tệp của đối tác")
