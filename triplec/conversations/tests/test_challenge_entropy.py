"""The identity challenge against someone who knows the person: their district and date of birth (so NIK digits
1-12), and everything our messages show. A NIK-based NPWP must still leave that person 10,000 equally likely
answers; when nothing we hold can, no question is asked and an officer confirms the identity."""

from stdnum import luhn

from triplec.conversations.identity import (
    NO_CHALLENGE,
    challenge_kind,
    challenge_passes,
    challenge_question,
)
from triplec.taxpayers.models import Taxpayer

# District 537103 (Kota Kupang, Oebobo), born 1 January 1980, serial 0001: what a neighbour can work out.
NIK = "5371030101800001"


def _npwp15(serial: int) -> str:
    body = f"09{serial:06d}"
    return body + luhn.calc_check_digit(body) + "922000"


def _nik_based(npwp15: str = "") -> Taxpayer:
    return Taxpayer(name="Maria Ndun", npwp16=NIK, nik=NIK, npwp15=npwp15)  # never saved: the rules are pure


def test_it_refuses_the_old_answer_district_and_day_of_birth_for_a_nik_based_npwp():
    for taxpayer in (_nik_based(_npwp15(123456)), _nik_based()):
        for guess in (NIK[4:8], NIK[-4:], NIK[8:12], "0001", "0002"):
            assert not challenge_passes(challenge_kind(taxpayer), taxpayer, guess), guess


def test_it_leaves_someone_who_knows_district_and_birthday_10000_equally_likely_answers():
    """With the whole NIK fixed (more than district and birthday), the answer still runs through every one of
    10,000 values, one per old-NPWP serial, each passing for exactly one serial: equally likely to the guesser."""
    answers = {}
    for low in range(10_000):
        taxpayer = _nik_based(_npwp15(int(f"12{low:04d}")))  # serial digits 3-6 = the digits asked
        assert challenge_kind(taxpayer) == "npwp15_serial"
        answer = taxpayer.npwp15[4:8]
        assert challenge_passes("npwp15_serial", taxpayer, answer)
        answers[answer] = answers.get(answer, 0) + 1
    assert len(answers) == 10_000 and set(answers.values()) == {1}
    assert NIK not in challenge_question("npwp15_serial", taxpayer) and "NPWP lama" in challenge_question(
        "npwp15_serial", taxpayer
    )


def test_it_asks_nothing_of_a_nik_based_npwp_without_an_old_npwp_so_that_an_officer_confirms():
    taxpayer = _nik_based()
    assert challenge_kind(taxpayer) == NO_CHALLENGE
    for guess in ("0000", NIK, NIK[4:8], NIK[-4:]):
        assert not challenge_passes(NO_CHALLENGE, taxpayer, guess)


def test_it_accepts_the_whole_old_npwp_and_answers_an_in_flight_challenge_by_todays_rules():
    taxpayer = _nik_based(_npwp15(654321))
    assert challenge_passes("npwp15_serial", taxpayer, taxpayer.npwp15)
    # A conversation that was asked digits 5-8 of the NIK before the rules changed: that answer no longer passes,
    # and the question repeated is today's.
    assert not challenge_passes("npwp_hidden", taxpayer, NIK[4:8])
    assert challenge_passes("nik_last4", taxpayer, taxpayer.npwp15[4:8])
    assert "NPWP lama" in challenge_question("npwp_hidden", taxpayer)
