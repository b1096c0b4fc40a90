import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import make_unit  # noqa: E402


@pytest.fixture
def province(db):
    """A province with two departments and two communes:

    province -> Sở Tư pháp, Sở GD&ĐT, Xã Tân An, Xã Đắk Ơ (Đắk Ơ has a hamlet below it).
    """
    root = make_unit("UBND tỉnh Lâm Sơn", "TINH")
    units = {
        "province": root,
        "justice": make_unit("Sở Tư pháp", "SO-TP", root),
        "education": make_unit("Sở Giáo dục và Đào tạo", "SO-GDDT", root),
        "tanan": make_unit("Xã Tân An", "XA-TANAN", root),
        "dako": make_unit("Xã Đắk Ơ", "XA-DAKO", root),
    }
    units["hamlet"] = make_unit("Thôn 3 Đắk Ơ", "THON-3", units["dako"])
    return units
