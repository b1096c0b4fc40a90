"""A parallel burst of guessed codes runs no more lookups than the limit (finding 5 of issue 13).

The limit used to be read, then written: a burst slipped past it. Now each lookup is counted
atomically before it runs (lms.ratelimit).
"""
import pytest

from tests.bursts import burst

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_burst_of_guessed_codes_gets_ten_answers_and_then_429_in_vietnamese(client, settings):
    # given a limit of 10 misses per hour and 40 guesses sent at once from one address
    settings.CERTIFICATE_VERIFY_MISSES_PER_HOUR = 10
    codes = iter(f"{n:022d}" for n in range(40))

    # when
    responses = burst(40, lambda: client.get(f"/verify/{next(codes)}/"))

    # then exactly 10 guesses were looked up; the others were refused in Vietnamese
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [404] * 10 + [429] * 30
    refused = next(response for response in responses if response.status_code == 429)
    assert "Có quá nhiều mã không đúng" in refused.content.decode()
