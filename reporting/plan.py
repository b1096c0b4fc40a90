"""The province's plan, part II.2: the phases and targets the platform starts with.

Kế hoạch thực hiện Đề án "Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật giai
đoạn 2025-2030" trên địa bàn tỉnh (implementing Decision 766/QĐ-TTg). Used by the data
migration that seeds them and by ``services.plan_phases_ensure`` (the demo, and tests
after a database flush). The department admin edits the phases in the Wagtail admin.
"""
import datetime as dt
from decimal import Decimal

PLAN_PHASES = [
    {
        "name": "Giai đoạn 1 (2025–2027)",
        "starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2027, 12, 31),
        "trained_target": Decimal("70"), "online_target": Decimal("60"), "satisfaction_target": None,
        "plan_wording": (
            "Ít nhất 70% cán bộ, công chức, viên chức, chiến sĩ lực lượng vũ trang nhân dân tham mưu thực hiện "
            "công tác phổ biến, giáo dục pháp luật, báo cáo viên pháp luật, tuyên truyền viên pháp luật được tập "
            "huấn kiến thức và kỹ năng chuyển đổi số trong công tác phổ biến, giáo dục pháp luật, trong đó ít nhất "
            "60% hoạt động tập huấn được thực hiện bằng hình thức trực tuyến (Kế hoạch, mục II.2.a)."),
    },
    {
        "name": "Giai đoạn 2 (2028–2030)",
        "starts_on": dt.date(2028, 1, 1), "ends_on": dt.date(2030, 12, 31),
        "trained_target": Decimal("85"), "online_target": Decimal("75"), "satisfaction_target": Decimal("70"),
        "plan_wording": (
            "Ít nhất 85% cán bộ, công chức, viên chức, chiến sĩ lực lượng vũ trang nhân dân tham mưu thực hiện "
            "công tác phổ biến, giáo dục pháp luật, báo cáo viên pháp luật, tuyên truyền viên pháp luật được tập "
            "huấn kiến thức và kỹ năng chuyển đổi số trong công tác phổ biến, giáo dục pháp luật, trong đó ít nhất "
            "75% hoạt động tập huấn được thực hiện bằng hình thức trực tuyến. Mức độ hài lòng của người dân, "
            "doanh nghiệp về sử dụng, khai thác các tiện ích, nền tảng, ứng dụng số phổ biến, giáo dục pháp luật "
            "tham gia đánh giá đạt 70% (Kế hoạch, mục II.2.b)."),
    },
]
