from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    MEMBER_BENEFITS = "member_benefits", _("Công đoàn vì lợi ích đoàn viên")
    INSTITUTIONS = "institutions", _("Thiết chế Công đoàn")
    CONGRESS_XII = "congress_xii", _("Hướng tới Đại hội Công đoàn Việt Nam lần thứ XII")
    WELFARE_PROGRAMME = "welfare_programme", _("Chương trình phúc lợi cho đoàn viên và người lao động")


class OutletKind(models.TextChoices):
    WEBSITE = "website", _("Trang thông tin điện tử")
    NEWSPAPER = "newspaper", _("Báo")
    MAGAZINE = "magazine", _("Tạp chí")
    BROADCAST = "broadcast", _("Phát thanh, truyền hình")
    SOCIAL = "social", _("Trang mạng xã hội")


class ActivityKind(models.TextChoices):
    LAUNCH_CONFERENCE = "launch_conference", _("Hội nghị triển khai")
    SEMINAR = "seminar", _("Hội thảo, tọa đàm")
    TRAINING = "training", _("Tập huấn")
    CONSULTATION_FAIR = "consultation_fair", _("Ngày hội tư vấn, quảng bá với đối tác")
    CONTEST = "contest", _("Cuộc thi")
    PRINTED_MATERIAL = "printed_material", _("Pa nô, áp phích, tờ rơi")
