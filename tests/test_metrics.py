from decimal import Decimal
from fractions import Fraction

import pytest

from nianbao.rules import metrics


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        ("6.25", 1, "6.3"),
        ("28.125", 2, "28.13"),
        ("2.675", 2, "2.68"),  # float 2.675 rounds to 2.67
        ("0.125", 2, "0.13"),
        ("1.005", 2, "1.01"),
        ("-6.25", 1, "-6.3"),
        ("41.5299", 2, "41.53"),
        ("5", 2, "5.00"),
        (Fraction(1, 3), 2, "0.33"),
        (Fraction(2, 3), 0, "1"),
    ],
)
def test_round_half_up_exact_decimals(value, decimals, expected):
    assert metrics.round_half_up(value, decimals) == Decimal(expected)
    assert str(metrics.round_half_up(value, decimals)) == expected


def test_floats_are_refused():
    with pytest.raises(TypeError):
        metrics.round_half_up(2.675, 2)


def test_shares_from_the_seed():
    assert metrics.percent(11796, 28406) == Decimal("41.53")
    assert metrics.percent(1095, 28406) == Decimal("3.85")
    assert metrics.percent(11583, 28406) == Decimal("40.78")
    assert metrics.percent(1027, 28406) == Decimal("3.62")
    assert metrics.percent(2905, 28406) == Decimal("10.23")
    assert metrics.percent(42, 813) == Decimal("5.17")
    assert metrics.percent(23, 687) == Decimal("3.35")  # the seed prints 3.14
    assert metrics.percent(237, 250, 1) == Decimal("94.8")


def test_percent_of_zero_or_unknown_is_none():
    assert metrics.percent(0, 0) is None
    assert metrics.percent(None, 10) is None
    assert metrics.percent(3, None) is None


def test_half_up_at_share_boundary():
    # 1/8 = 12.5% exactly: half-up at 0 decimals gives 13, banker's rounding would give 12
    assert metrics.percent(1, 8, 0) == Decimal("13")
    assert metrics.percent(9, 32, 2) == Decimal("28.13")  # 28.125


def test_yoy_change_words():
    change = metrics.yoy_change(29130, 31195)
    assert change.direction == -1
    assert change.words(2019) == "较2019年下降6.62%"
    assert metrics.yoy_change(130, 100).words(2019) == "较2019年上升30.00%"
    assert metrics.yoy_change(100, 100).words(2019) == "较2019年持平"
    assert metrics.yoy_change(5, 0) is None


def test_point_change():
    change = metrics.point_change(Decimal("5.17"), Decimal("4.30"))
    assert change.words() == "上升0.87个百分点"
    assert metrics.point_change("3.14", "5.00").words(2019) == "较2019年下降1.86个百分点"


def test_truncate_and_decimals_of():
    assert metrics.truncate(Fraction(3349, 1000), 2) == Decimal("3.34")
    assert metrics.decimals_of("41.53") == 2
    assert metrics.decimals_of("94.8") == 1
    assert metrics.decimals_of("5") == 0
