"""Demo data of the welfare programme, on top of the demo tree of `organizations.demo`.

What a visitor can try: the Vina Food 1 rice pilot for collective kitchens (seed 003, section 4),
nationwide partners signed by TLĐ (a supermarket chain, a telecom, a bank, a hotel group),
LĐLĐ An Giang's own partners, outlets in several provinces, union institutions, four months of
usage figures and two members' complaints.

The businesses named are real so the demo reads true; the offers, outlets' details, contacts
and figures are invented for the demo. Tax codes are left blank for that reason: a demo row
must not pass for a registry extract.

`seed()` is idempotent: partners are found by (unit, name), agreements by (unit, number),
offers by (agreement, title), outlets by (partner, name), institutions by (unit, name), usage
by (unit, month, partner or institution), complaints by (offer, reporter, kind). Dates are
relative to today, so the demo always has agreements in force, one ending within 30 days and
one expired; a run on a later day moves them along (and says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from agreements.choices import (
    AgreementScope,
    ComplaintKind,
    ComplaintStatus,
    DiscountKind,
    InstitutionKind,
    OfferCategory,
)
from agreements.models import (
    Agreement,
    BenefitUsage,
    Institution,
    Offer,
    Outlet,
    OutletComplaint,
    Partner,
)
from organizations.demo import AN_GIANG, AN_GIANG_DEMO_GRASSROOTS, HA_NOI, TLD_CODE, DemoCounts, federation_code
from organizations.models import Province, Unit, User, Ward

HUNG_YEN, BAC_NINH, HAI_PHONG, NINH_BINH, HO_CHI_MINH, CAN_THO = 33, 24, 31, 37, 79, 92
AN_GIANG_FEDERATION = federation_code(AN_GIANG)
HA_NOI_FEDERATION = federation_code(HA_NOI)

# Validity windows, in days from today: (signed, valid from, valid until).
IN_FORCE = (-200, -190, 540)
ENDING_SOON = (-350, -345, 21)  # within the 30 days of the officers' "ending soon" list
EXPIRED = (-420, -385, -20)
USAGE_MONTHS = 4


@dataclass(frozen=True)
class DemoOffer:
    title: str
    category: str
    description: str
    conditions: str = "Xuất trình thẻ đoàn viên công đoàn khi thanh toán."
    percent: int | None = None
    amount: int | None = None
    special_price: str = ""
    for_members: bool = True
    for_families: bool = False
    for_kitchens: bool = False

    @property
    def kind(self) -> str:
        if self.percent is not None:
            return DiscountKind.PERCENT
        if self.amount is not None:
            return DiscountKind.AMOUNT
        return DiscountKind.SPECIAL_PRICE


@dataclass(frozen=True)
class DemoAgreement:
    number: str
    title: str
    window: tuple[int, int, int]
    scope: str = AgreementScope.SUBTREE
    provinces: tuple[int, ...] = ()
    support_million: int | None = None
    support_plan: str = ""
    offers: tuple[DemoOffer, ...] = ()


@dataclass(frozen=True)
class DemoOutlet:
    name: str
    address: str
    province: int
    ward: str
    phone: str = ""
    displays_sign: bool = True


@dataclass(frozen=True)
class DemoPartner:
    unit_code: str
    name: str
    sector: str
    address: str
    contact_name: str
    contact_phone: str
    contact_email: str
    website: str = ""
    agreements: tuple[DemoAgreement, ...] = ()
    outlets: tuple[DemoOutlet, ...] = ()


@dataclass(frozen=True)
class DemoInstitution:
    unit_code: str
    kind: str
    name: str
    address: str
    province: int
    ward: str
    services: str
    member_prices: str
    phone: str = ""


CARD = "Xuất trình thẻ đoàn viên công đoàn khi thanh toán."

PARTNERS: tuple[DemoPartner, ...] = (
    # --- Signed by TLĐ ---------------------------------------------------------------------------
    DemoPartner(
        unit_code=TLD_CODE, name="Tổng Công ty Lương thực Miền Bắc (Vinafood 1)", sector="Lương thực",
        address="6 Ngô Quyền, Phường Hoàn Kiếm, Thành phố Hà Nội",
        contact_name="Nguyễn Văn Thành", contact_phone="0243 826 0001", contact_email="phucloi@vinafood1.demo.vn",
        agreements=(
            DemoAgreement(
                number="01/TTHT-TLĐ-VNF1",
                title="Thỏa thuận cung ứng gạo chất lượng, giá ưu đãi cho bếp ăn tập thể (thí điểm)",
                window=IN_FORCE, scope=AgreementScope.PROVINCES,
                # Letter 1451/TLĐ names Hà Nội, Hưng Yên, Bắc Ninh, Hải Phòng and Hà Nam. Hà Nam was
                # merged into Ninh Bình in 2025, so the pilot's fifth province is now Ninh Bình.
                provinces=(HA_NOI, HUNG_YEN, BAC_NINH, HAI_PHONG, NINH_BINH),
                support_million=150,
                support_plan="Hỗ trợ tổ chức hội nghị giới thiệu chương trình và kiểm tra chất lượng bữa ăn ca.",
                offers=(
                    DemoOffer(
                        title="Gạo bảo đảm chất lượng giá ưu đãi cho bếp ăn tập thể",
                        category=OfferCategory.FOOD,
                        description=(
                            "Gạo tẻ thơm và gạo tẻ thường do Vinafood 1 cung ứng trực tiếp cho bếp ăn ca của doanh "
                            "nghiệp, giao tận bếp theo hợp đồng, giá thấp hơn giá bán lẻ trên thị trường."
                        ),
                        conditions=(
                            "Doanh nghiệp hoặc nhà thầu bếp ăn tập thể ký hợp đồng với Vinafood 1; công đoàn cơ sở "
                            "xác nhận số suất ăn ca."
                        ),
                        special_price="Giá bán buôn, miễn phí vận chuyển từ 500 kg/lần",
                        for_members=False, for_kitchens=True,
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Kho Vinafood 1 Hà Nội", "Số 6 Ngô Quyền", HA_NOI, "Phường Hoàn Kiếm", "0243 826 0002"),
            DemoOutlet("Chi nhánh Vinafood 1 Hải Phòng", "Số 20 Hoàng Văn Thụ", HAI_PHONG, "Phường Hồng Bàng"),
            DemoOutlet("Kho Vinafood 1 Hưng Yên", "Đường Nguyễn Văn Linh", HUNG_YEN, "Phường Phố Hiến"),
        ),
    ),
    DemoPartner(
        unit_code=TLD_CODE, name="Liên hiệp Hợp tác xã Thương mại Thành phố Hồ Chí Minh (Saigon Co.op)",
        sector="Bán lẻ", website="https://www.saigonco-op.com.vn",
        address="199-205 Nguyễn Thái Học, Phường Cầu Ông Lãnh, Thành phố Hồ Chí Minh",
        contact_name="Trần Thị Mỹ Linh", contact_phone="0283 836 0143", contact_email="doanvien@saigoncoop.demo.vn",
        agreements=(
            DemoAgreement(
                number="05/TTHT-TLĐ-SGC", title="Thỏa thuận hợp tác chương trình phúc lợi cho đoàn viên tại hệ thống Co.opmart",
                window=IN_FORCE, scope=AgreementScope.NATIONWIDE,
                offers=(
                    DemoOffer(
                        title="Giảm 5% hóa đơn mua sắm tại siêu thị Co.opmart",
                        category=OfferCategory.CONSUMER_GOODS, percent=5, for_families=True,
                        description="Áp dụng cho hàng tiêu dùng, thực phẩm tươi sống tại mọi siêu thị Co.opmart trên cả nước.",
                        conditions="Xuất trình thẻ đoàn viên công đoàn; không cộng dồn với chương trình khuyến mãi khác.",
                    ),
                    DemoOffer(
                        title="Phiếu quà tặng 100.000 đồng cho đơn hàng từ 1 triệu đồng",
                        category=OfferCategory.CONSUMER_GOODS, amount=100_000,
                        description="Mỗi đoàn viên được nhận một phiếu quà tặng mỗi tháng tại quầy dịch vụ khách hàng.",
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Co.opmart Long Xuyên", "Số 1 Hà Hoàng Hổ", AN_GIANG, "Phường Long Xuyên", "0296 384 1234"),
            DemoOutlet("Co.opmart Rạch Giá", "Số 12 Lê Lợi", AN_GIANG, "Phường Rạch Giá", displays_sign=False),
            DemoOutlet("Co.opmart Cống Quỳnh", "189C Cống Quỳnh", HO_CHI_MINH, "Phường Bến Thành", "0283 832 5239"),
            DemoOutlet("Co.opmart Cần Thơ", "Số 1 Đại lộ Hòa Bình", CAN_THO, "Phường Ninh Kiều"),
            DemoOutlet("Co.opmart Hà Đông", "Số 10 Quang Trung", HA_NOI, "Phường Hà Đông"),
        ),
    ),
    DemoPartner(
        unit_code=TLD_CODE, name="Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)", sector="Viễn thông",
        website="https://vnpt.com.vn", address="57 Huỳnh Thúc Kháng, Phường Láng, Thành phố Hà Nội",
        contact_name="Lê Quang Huy", contact_phone="0243 774 1091", contact_email="congdoan@vnpt.demo.vn",
        agreements=(
            DemoAgreement(
                number="07/TTHT-TLĐ-VNPT", title="Thỏa thuận cung cấp dịch vụ viễn thông ưu đãi cho đoàn viên",
                window=IN_FORCE, scope=AgreementScope.NATIONWIDE,
                offers=(
                    DemoOffer(
                        title="Giảm 20% cước Internet cáp quang VNPT cho gia đình đoàn viên",
                        category=OfferCategory.TELECOM, percent=20, for_families=True,
                        description="Áp dụng cho hợp đồng lắp mới gói cáp quang gia đình, trả trước 6 hoặc 12 tháng.",
                        conditions="Đăng ký tại điểm giao dịch VNPT, xuất trình thẻ đoàn viên và căn cước.",
                    ),
                    DemoOffer(
                        title="Gói di động VinaPhone ưu đãi cho đoàn viên",
                        category=OfferCategory.TELECOM, special_price="79.000 đồng/tháng: 4 GB/ngày, miễn phí gọi nội mạng",
                        description="Gói cước dành riêng cho đoàn viên công đoàn, đăng ký tối đa hai thuê bao.",
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Điểm giao dịch VNPT Long Xuyên", "Số 11 Ngô Gia Tự", AN_GIANG, "Phường Mỹ Thới"),
            DemoOutlet("Điểm giao dịch VNPT Hoàn Kiếm", "Số 75 Đinh Tiên Hoàng", HA_NOI, "Phường Hoàn Kiếm"),
            DemoOutlet("Điểm giao dịch VNPT Sài Gòn", "Số 125 Hai Bà Trưng", HO_CHI_MINH, "Phường Sài Gòn"),
            DemoOutlet("Điểm giao dịch VNPT Ninh Kiều", "Số 2 Trần Phú", CAN_THO, "Phường Cái Khế"),
        ),
    ),
    DemoPartner(
        unit_code=TLD_CODE, name="Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)", sector="Ngân hàng",
        website="https://www.vietcombank.com.vn", address="198 Trần Quang Khải, Phường Hoàn Kiếm, Thành phố Hà Nội",
        contact_name="Phạm Thu Trang", contact_phone="0243 934 3137", contact_email="phucloi@vietcombank.demo.vn",
        agreements=(
            DemoAgreement(
                number="09/TTHT-TLĐ-VCB", title="Thỏa thuận cung cấp dịch vụ ngân hàng ưu đãi cho đoàn viên",
                window=ENDING_SOON, scope=AgreementScope.NATIONWIDE,
                offers=(
                    DemoOffer(
                        title="Miễn phí thường niên thẻ ghi nợ và phí chuyển khoản cho đoàn viên",
                        category=OfferCategory.BANKING, special_price="Miễn phí năm đầu",
                        description="Miễn phí thường niên năm đầu thẻ ghi nợ nội địa và phí chuyển khoản trên VCB Digibank.",
                        conditions="Mở tài khoản tại chi nhánh Vietcombank, xuất trình thẻ đoàn viên.",
                    ),
                    DemoOffer(
                        title="Vay tiêu dùng lãi suất ưu đãi cho đoàn viên",
                        category=OfferCategory.BANKING, special_price="Giảm 1%/năm so với lãi suất cho vay thông thường",
                        description="Khoản vay đến 300 triệu đồng, thời hạn đến 60 tháng, không cần tài sản bảo đảm.",
                        conditions="Có hợp đồng lao động từ 12 tháng; công đoàn cơ sở xác nhận là đoàn viên.",
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Vietcombank Chi nhánh An Giang", "Số 30-32 Hai Bà Trưng", AN_GIANG, "Phường Long Xuyên"),
            DemoOutlet("Vietcombank Sở giao dịch", "Số 198 Trần Quang Khải", HA_NOI, "Phường Hoàn Kiếm"),
        ),
    ),
    DemoPartner(
        unit_code=TLD_CODE, name="Tổng Công ty Du lịch Sài Gòn (Saigontourist Group)", sector="Du lịch, khách sạn",
        website="https://www.saigontourist.net", address="23 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh",
        contact_name="Võ Hoàng Nam", contact_phone="0283 829 2291", contact_email="doanvien@saigontourist.demo.vn",
        agreements=(
            DemoAgreement(
                number="11/TTHT-TLĐ-SGT", title="Thỏa thuận ưu đãi lưu trú và du lịch cho đoàn viên",
                window=IN_FORCE, scope=AgreementScope.NATIONWIDE,
                offers=(
                    DemoOffer(
                        title="Giảm 15% giá phòng khách sạn hệ thống Saigontourist",
                        category=OfferCategory.TRAVEL, percent=15, for_families=True,
                        description="Áp dụng tại các khách sạn, khu nghỉ dưỡng của Saigontourist, trừ dịp lễ, Tết.",
                        conditions="Đặt phòng trước ít nhất 3 ngày, xuất trình thẻ đoàn viên khi nhận phòng.",
                    ),
                ),
            ),
            DemoAgreement(
                number="04/TTHT-TLĐ-SGT", title="Chương trình du lịch hè cho đoàn viên năm trước",
                window=EXPIRED, scope=AgreementScope.NATIONWIDE,
                offers=(
                    DemoOffer(
                        title="Giảm 10% tour du lịch hè trong nước",
                        category=OfferCategory.TRAVEL, percent=10,
                        description="Tour ghép 3–5 ngày đi Phú Quốc, Đà Lạt, Hạ Long.",
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Khách sạn Rex Sài Gòn", "141 Nguyễn Huệ", HO_CHI_MINH, "Phường Sài Gòn", "0283 829 2185"),
            DemoOutlet("Văn phòng Saigontourist Cần Thơ", "Số 6 Hai Bà Trưng", CAN_THO, "Phường Ninh Kiều"),
        ),
    ),
    # --- Signed by LĐLĐ An Giang, for the unions of its subtree ------------------------------------
    DemoPartner(
        # Union hotels are run as enterprises and sign agreements like any other partner.
        unit_code=AN_GIANG_FEDERATION, name="Công ty TNHH MTV Khách sạn Công đoàn An Giang", sector="Khách sạn",
        address="Số 2 Tôn Đức Thắng, Phường Long Xuyên, tỉnh An Giang",
        contact_name="Nguyễn Thị Kim Ngân", contact_phone="0296 385 2011", contact_email="kscongdoan@angiang.demo.vn",
        agreements=(
            DemoAgreement(
                number="15/TTHT-LĐLĐ-KSCĐ", title="Thỏa thuận ưu đãi lưu trú, hội nghị cho đoàn viên tỉnh An Giang",
                window=IN_FORCE,
                offers=(
                    DemoOffer(
                        title="Giảm 30% giá phòng tại Khách sạn Công đoàn An Giang",
                        category=OfferCategory.TRAVEL, percent=30, for_families=True,
                        description="Phòng đơn, phòng đôi và phòng gia đình; miễn phí bữa sáng cho trẻ em dưới 6 tuổi.",
                        conditions="Xuất trình thẻ đoàn viên khi nhận phòng; tối đa 2 phòng mỗi lần đặt.",
                    ),
                    DemoOffer(
                        title="Giảm 20% tiệc cưới, hội nghị tại Khách sạn Công đoàn An Giang",
                        category=OfferCategory.LEISURE, percent=20, for_families=True,
                        description="Áp dụng cho tiệc cưới của đoàn viên và con đoàn viên, hội nghị của công đoàn cơ sở.",
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Khách sạn Công đoàn An Giang", "Số 2 Tôn Đức Thắng", AN_GIANG, "Phường Long Xuyên", "0296 385 2011"),
        ),
    ),
    DemoPartner(
        unit_code=AN_GIANG_FEDERATION, name="Công ty Cổ phần Thương mại Siêu thị Long Xuyên", sector="Bán lẻ",
        address="Số 45 Trần Hưng Đạo, Phường Mỹ Thới, tỉnh An Giang",
        contact_name="Huỳnh Văn Lộc", contact_phone="0296 395 5678", contact_email="sieuthi@longxuyen.demo.vn",
        agreements=(
            DemoAgreement(
                number="16/TTHT-LĐLĐ-STLX", title="Thỏa thuận bán hàng bình ổn giá cho đoàn viên",
                window=IN_FORCE, support_million=40,
                support_plan="Tài trợ quà Tết cho đoàn viên có hoàn cảnh khó khăn.",
                offers=(
                    DemoOffer(
                        title="Giảm 7% hàng tiêu dùng thiết yếu tại Siêu thị Long Xuyên",
                        category=OfferCategory.CONSUMER_GOODS, percent=7, for_families=True,
                        description="Gạo, dầu ăn, sữa, bột giặt và 200 mặt hàng thiết yếu khác.",
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Siêu thị Long Xuyên – Mỹ Thới", "Số 45 Trần Hưng Đạo", AN_GIANG, "Phường Mỹ Thới", "0296 395 5678"),
            DemoOutlet("Siêu thị Long Xuyên – Bình Đức", "Quốc lộ 91, khóm Bình Đức 3", AN_GIANG, "Phường Bình Đức"),
            DemoOutlet("Siêu thị Long Xuyên – Châu Đốc", "Số 8 Nguyễn Văn Thoại", AN_GIANG, "Phường Châu Đốc"),
        ),
    ),
    DemoPartner(
        unit_code=AN_GIANG_FEDERATION, name="Công ty TNHH Dược phẩm Tâm An (chuỗi nhà thuốc Tâm An)", sector="Dược phẩm",
        address="Số 120 Lý Thái Tổ, Phường Long Xuyên, tỉnh An Giang",
        contact_name="Trương Minh Tâm", contact_phone="0296 386 7799", contact_email="nhathuoc@taman.demo.vn",
        agreements=(
            DemoAgreement(
                number="17/TTHT-LĐLĐ-TA", title="Thỏa thuận ưu đãi thuốc và thiết bị y tế cho đoàn viên",
                window=IN_FORCE,
                offers=(
                    DemoOffer(
                        title="Giảm 8% thuốc không kê đơn và thiết bị y tế gia đình",
                        category=OfferCategory.HEALTH, percent=8, for_families=True,
                        description="Máy đo huyết áp, nhiệt kế, vitamin và thuốc không kê đơn tại chuỗi nhà thuốc Tâm An.",
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Nhà thuốc Tâm An Long Xuyên", "Số 120 Lý Thái Tổ", AN_GIANG, "Phường Long Xuyên"),
            DemoOutlet("Nhà thuốc Tâm An Rạch Giá", "Số 35 Nguyễn Trung Trực", AN_GIANG, "Phường Rạch Giá"),
        ),
    ),
    DemoPartner(
        unit_code=AN_GIANG_FEDERATION, name="Công ty TNHH Điện máy Phú Quý", sector="Điện máy",
        address="Số 77 Nguyễn Thái Học, Phường Mỹ Thới, tỉnh An Giang",
        contact_name="Lâm Quốc Bảo", contact_phone="0296 393 3388", contact_email="kinhdoanh@phuquy.demo.vn",
        agreements=(
            DemoAgreement(
                number="18/TTHT-LĐLĐ-PQ", title="Thỏa thuận bán hàng điện máy trả góp ưu đãi cho đoàn viên",
                window=IN_FORCE,
                offers=(
                    DemoOffer(
                        title="Giảm 500.000 đồng khi mua máy lạnh, tủ lạnh, máy giặt",
                        category=OfferCategory.APPLIANCES, amount=500_000,
                        description="Trả góp 0% lãi suất trong 6 tháng qua công đoàn cơ sở; giao và lắp đặt miễn phí.",
                    ),
                ),
            ),
        ),
        outlets=(
            DemoOutlet("Điện máy Phú Quý Long Xuyên", "Số 77 Nguyễn Thái Học", AN_GIANG, "Phường Mỹ Thới", "0296 393 3388"),
        ),
    ),
    # --- Signed by LĐLĐ Hà Nội --------------------------------------------------------------------
    DemoPartner(
        unit_code=HA_NOI_FEDERATION, name="Công ty Cổ phần Phòng khám Đa khoa Thăng Long", sector="Y tế",
        address="Số 15 Giảng Võ, Phường Giảng Võ, Thành phố Hà Nội",
        contact_name="Đoàn Thị Hồng", contact_phone="0243 851 2345", contact_email="khamsuckhoe@thanglong.demo.vn",
        agreements=(
            DemoAgreement(
                number="21/TTHT-LĐLĐHN-TL", title="Thỏa thuận khám sức khỏe ưu đãi cho đoàn viên Thủ đô",
                window=IN_FORCE,
                offers=(
                    DemoOffer(
                        title="Giảm 15% gói khám sức khỏe định kỳ",
                        category=OfferCategory.HEALTH, percent=15, for_families=True,
                        description="Gói khám tổng quát và tầm soát cho đoàn viên, công đoàn cơ sở đăng ký theo đoàn.",
                    ),
                ),
            ),
        ),
        outlets=(DemoOutlet("Phòng khám Đa khoa Thăng Long", "Số 15 Giảng Võ", HA_NOI, "Phường Giảng Võ"),),
    ),
)

INSTITUTIONS: tuple[DemoInstitution, ...] = (
    DemoInstitution(
        AN_GIANG_FEDERATION, InstitutionKind.UNION_HOTEL, "Khách sạn Công đoàn An Giang",
        "Số 2 Tôn Đức Thắng", AN_GIANG, "Phường Long Xuyên",
        services="48 phòng nghỉ, hội trường 300 chỗ, nhà hàng tiệc cưới.",
        member_prices="Giảm 30% giá phòng, 20% tiệc cưới cho đoàn viên và gia đình.", phone="0296 385 2011",
    ),
    DemoInstitution(
        TLD_CODE, InstitutionKind.UNION_HOTEL, "Khách sạn Công đoàn Việt Nam",
        "Số 14 Trần Bình Trọng", HA_NOI, "Phường Cửa Nam",
        services="Phòng nghỉ, phòng họp, nhà hàng.",
        member_prices="Giá phòng ưu đãi cho cán bộ, đoàn viên công đoàn đi công tác.",
    ),
    DemoInstitution(
        AN_GIANG_FEDERATION, InstitutionKind.CULTURAL_HOUSE, "Nhà văn hóa Lao động tỉnh An Giang",
        "Số 5 Lê Triệu Kiết", AN_GIANG, "Phường Mỹ Thới",
        services="Thư viện, câu lạc bộ văn nghệ, sân cầu lông, lớp năng khiếu cho con công nhân.",
        member_prices="Miễn phí sinh hoạt câu lạc bộ; giảm 50% học phí lớp năng khiếu cho con đoàn viên.",
    ),
    DemoInstitution(
        TLD_CODE, InstitutionKind.CULTURAL_HOUSE, "Cung Văn hóa Lao động Hữu nghị Việt Xô",
        "Số 91 Trần Hưng Đạo", HA_NOI, "Phường Cửa Nam",
        services="Nhà hát, phòng hội nghị, câu lạc bộ thể thao, lớp học ngoại ngữ.",
        member_prices="Giảm 20% vé biểu diễn và học phí các lớp cho đoàn viên.",
    ),
    DemoInstitution(
        f"{AN_GIANG_FEDERATION}-KCN", InstitutionKind.KINDERGARTEN, "Nhà trẻ Công đoàn Khu công nghiệp Bình Hòa",
        "Khu công nghiệp Bình Hòa", AN_GIANG, "Xã Bình Hòa",
        services="Nhận trẻ từ 6 tháng đến 6 tuổi, mở cửa theo ca làm việc của công nhân.",
        member_prices="Giảm 50% học phí cho con đoàn viên làm việc trong khu công nghiệp.",
    ),
    DemoInstitution(
        AN_GIANG_FEDERATION, InstitutionKind.LEGAL_ADVICE, "Trung tâm Tư vấn pháp luật Công đoàn tỉnh An Giang",
        "Số 5 Lê Triệu Kiết", AN_GIANG, "Phường Mỹ Thới",
        services="Tư vấn hợp đồng lao động, bảo hiểm xã hội, đại diện người lao động trong tranh chấp.",
        member_prices="Miễn phí cho đoàn viên.", phone="0296 385 6868",
    ),
)

# Usage figures: (unit code, partner name or institution name, members in the first month, million VND).
USAGE: tuple[tuple[str, str, int, int | None], ...] = (
    (AN_GIANG_FEDERATION, "Liên hiệp Hợp tác xã Thương mại Thành phố Hồ Chí Minh (Saigon Co.op)", 860, 310),
    (AN_GIANG_FEDERATION, "Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)", 240, 45),
    (AN_GIANG_FEDERATION, "Công ty Cổ phần Thương mại Siêu thị Long Xuyên", 420, 125),
    (AN_GIANG_FEDERATION, "Công ty TNHH Dược phẩm Tâm An (chuỗi nhà thuốc Tâm An)", 180, 22),
    (AN_GIANG_FEDERATION, "Khách sạn Công đoàn An Giang", 95, 38),
    (AN_GIANG_FEDERATION, "Nhà văn hóa Lao động tỉnh An Giang", 640, None),
    (AN_GIANG_DEMO_GRASSROOTS, "Công ty Cổ phần Thương mại Siêu thị Long Xuyên", 130, 36),
    (AN_GIANG_DEMO_GRASSROOTS, "Công ty TNHH Dược phẩm Tâm An (chuỗi nhà thuốc Tâm An)", 42, 5),
    (HA_NOI_FEDERATION, "Tổng Công ty Lương thực Miền Bắc (Vinafood 1)", 3200, 540),
    (HA_NOI_FEDERATION, "Liên hiệp Hợp tác xã Thương mại Thành phố Hồ Chí Minh (Saigon Co.op)", 510, 170),
)


@dataclass(frozen=True)
class DemoComplaint:
    offer_title: str
    outlet_name: str
    kind: str
    message: str
    days_ago: int
    response: str = ""
    handled_by: str = ""


COMPLAINTS: tuple[DemoComplaint, ...] = (
    DemoComplaint(
        offer_title="Giảm 7% hàng tiêu dùng thiết yếu tại Siêu thị Long Xuyên",
        outlet_name="Siêu thị Long Xuyên – Châu Đốc", kind=ComplaintKind.REFUSED, days_ago=3,
        message="Nhân viên thu ngân nói chưa nhận được thông báo ưu đãi cho đoàn viên nên không giảm giá.",
    ),
    DemoComplaint(
        offer_title="Giảm 30% giá phòng tại Khách sạn Công đoàn An Giang",
        outlet_name="Khách sạn Công đoàn An Giang", kind=ComplaintKind.NO_SIGN, days_ago=25,
        message="Quầy lễ tân không treo biển niêm yết ưu đãi cho đoàn viên.",
        response="Đã làm việc với khách sạn; biển niêm yết đã được treo lại tại quầy lễ tân và sảnh.",
        handled_by="canbo.angiang",
    ),
)
REPORTER = "doanvien"


def seed() -> DemoCounts:
    """Create or bring up to date the programme's demo records; return what was written."""
    counts = DemoCounts()
    # Search keys fold the category's label: keep them Vietnamese whatever the shell's language.
    with transaction.atomic(), translation.override("vi"):
        today = timezone.localdate()
        seeder = _Seeder(today, counts)
        for spec in PARTNERS:
            seeder.partner(spec)
        for spec in INSTITUTIONS:
            seeder.institution(spec)
        seeder.usage()
        seeder.complaints()
    return counts


@dataclass
class _Seeder:
    today: date
    counts: DemoCounts
    units: dict[str, Unit] = field(default_factory=dict)
    provinces: dict[int, Province] = field(default_factory=dict)
    partners: dict[str, Partner] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)

    def __post_init__(self) -> None:
        codes = {p.unit_code for p in PARTNERS} | {i.unit_code for i in INSTITUTIONS} | {u[0] for u in USAGE}
        self.units = Unit.objects.in_bulk(list(codes), field_name="code")
        missing = codes - set(self.units)
        if missing:
            raise RuntimeError(f"Cây đơn vị demo thiếu: {', '.join(sorted(missing))} (chạy organizations.demo trước).")
        self.provinces = Province.objects.in_bulk()

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def ward(self, province: int, name: str) -> Ward:
        return Ward.objects.get(province_id=province, name=name)

    def upsert(self, what: str, model, lookup: dict, wanted: dict) -> tuple:
        """Find by the natural key `lookup`; create, or save only if a field differs. (obj, created)."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **wanted)
            obj.save()
            self.counts.add(what, created=True)
            return obj, True
        changed = [name for name, value in wanted.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, wanted[name])
            obj.save()
            self.counts.add(what, created=False)
        return obj, False

    def partner(self, spec: DemoPartner) -> None:
        unit = self.units[spec.unit_code]
        partner, _ = self.upsert("đối tác", Partner, {"unit": unit, "name": spec.name}, {
            "sector": spec.sector, "address": spec.address, "website": spec.website,
            "contact_name": spec.contact_name, "contact_phone": spec.contact_phone, "contact_email": spec.contact_email,
        })
        self.partners[spec.name] = partner
        for agreement_spec in spec.agreements:
            self.agreement(unit, partner, agreement_spec)
        for outlet in spec.outlets:
            self.upsert("điểm bán", Outlet, {"partner": partner, "name": outlet.name}, {
                "address": outlet.address, "province_id": outlet.province,
                "ward_id": self.ward(outlet.province, outlet.ward).pk, "phone": outlet.phone,
                "displays_sign": outlet.displays_sign,
                "sign_checked_on": self.day(-45) if outlet.displays_sign else None,
            })

    def agreement(self, unit: Unit, partner: Partner, spec: DemoAgreement) -> None:
        signed, start, end = spec.window
        agreement, created = self.upsert("thỏa thuận", Agreement, {"unit": unit, "number": spec.number}, {
            "partner_id": partner.pk, "title": spec.title, "signed_on": self.day(signed),
            "valid_from": self.day(start), "valid_until": self.day(end), "scope": spec.scope,
            "support_amount": Decimal(spec.support_million) if spec.support_million is not None else None,
            "support_plan": spec.support_plan, "is_draft": False, "terminated_on": None,
        })
        if set(agreement.provinces.values_list("pk", flat=True)) != set(spec.provinces):
            agreement.provinces.set([self.provinces[code] for code in spec.provinces])
            if not created:  # a new agreement's provinces are part of creating it
                self.counts.add("phạm vi tỉnh của thỏa thuận", created=False)
        for offer in spec.offers:
            self.upsert("ưu đãi", Offer, {"agreement": agreement, "title": offer.title}, {
                "description": offer.description, "category": offer.category, "discount_kind": offer.kind,
                "discount_percent": Decimal(offer.percent) if offer.percent is not None else None,
                "discount_amount": Decimal(offer.amount) if offer.amount is not None else None,
                "special_price": offer.special_price, "conditions": offer.conditions,
                "for_members": offer.for_members, "for_families": offer.for_families,
                "for_kitchens": offer.for_kitchens, "valid_from": None, "valid_until": None,
            })

    def institution(self, spec: DemoInstitution) -> None:
        self.institutions[spec.name], _ = self.upsert(
            "thiết chế công đoàn", Institution, {"unit": self.units[spec.unit_code], "name": spec.name}, {
                "kind": spec.kind, "address": spec.address, "province_id": spec.province,
                "ward_id": self.ward(spec.province, spec.ward).pk, "phone": spec.phone,
                "services": spec.services, "member_prices": spec.member_prices, "is_active": True,
            },
        )

    def usage(self) -> None:
        """The last USAGE_MONTHS complete months, growing a little each month."""
        first_of_this_month = self.today.replace(day=1)
        months = []
        month = first_of_this_month
        for _ in range(USAGE_MONTHS):
            month = (month - timedelta(days=1)).replace(day=1)
            months.append(month)
        for step, month in enumerate(reversed(months)):
            for unit_code, name, members, value in USAGE:
                target = {"partner": self.partners[name]} if name in self.partners else {"institution": self.institutions[name]}
                grown = members + members * step // 10
                self.upsert("lượt sử dụng", BenefitUsage, {"unit": self.units[unit_code], "month": month, **target}, {
                    "members_count": grown,
                    "value_million": Decimal(value + value * step // 10) if value is not None else None,
                    "note": "Số liệu demo",
                })

    def complaints(self) -> None:
        users = User.objects.in_bulk([REPORTER, *{c.handled_by for c in COMPLAINTS if c.handled_by}], field_name="username")
        reporter = users.get(REPORTER)
        if reporter is None:
            return
        for spec in COMPLAINTS:
            offer = Offer.objects.get(title=spec.offer_title, agreement__unit__code__in=list(self.units))
            outlet = Outlet.objects.get(partner=offer.agreement.partner, name=spec.outlet_name)
            closed = bool(spec.response)
            complaint, _ = self.upsert(
                "phản ánh", OutletComplaint, {"offer": offer, "reporter": reporter, "kind": spec.kind}, {
                    "outlet_id": outlet.pk, "message": spec.message, "happened_on": self.day(-spec.days_ago),
                    "status": ComplaintStatus.CLOSED if closed else ComplaintStatus.OPEN,
                    "response": spec.response,
                    "handled_by_id": users[spec.handled_by].pk if spec.handled_by else None,
                },
            )
            if closed and complaint.closed_at is None:
                complaint.closed_at = timezone.now()
                complaint.save(update_fields=["closed_at"])
