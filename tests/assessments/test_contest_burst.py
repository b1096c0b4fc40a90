"""A parallel burst of contest entries from one address stops at the limit (finding 5 of issue 13).

The per-address limit is counted atomically (lms.ratelimit) before an entry is graded, so 40
entries posted at once against a limit of 10 store exactly 10.
"""
import itertools
import re

import pytest

from assessments.models import ContestEntry
from tests.bursts import burst
from tests.factories import make_category, make_contest, make_question

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_burst_of_entries_from_one_address_stores_ten_and_answers_429_in_vietnamese(client, province, settings,
                                                                                    tmp_path):
    # given the embedded shape's file cache (no atomic incr), a round open now and a limit of 10 entries
    # per address and hour
    if not settings.REDIS_URL:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                       "LOCATION": str(tmp_path / "cache")}}
    settings.CONTEST_ENTRIES_PER_IP_PER_HOUR = 10
    category = make_category(province["justice"])
    contest = make_contest(province["justice"], [make_question(category, "true_false")])
    url = f"/assessments/contests/{contest.slug}/rounds/1/enter/"
    ticket = re.search(r'name="ticket" value="([^"]+)"', client.get(url).content.decode()).group(1)
    phones = itertools.count()

    def enter():
        return client.post(url, {"ticket": ticket, "full_name": "Nguyễn Văn An", "org_unit": province["dako"].pk,
                                 "address": "Thôn 1", "phone": f"09{next(phones):08d}", "prediction": "5",
                                 "q0": "true"})

    # when 40 different people post from one address at once
    responses = burst(40, enter)

    # then
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] * 10 + [429] * 30
    assert ContestEntry.objects.count() == 10
    refused = next(response for response in responses if response.status_code == 429)
    assert "Có quá nhiều bài dự thi gửi từ kết nối này" in refused.content.decode()
