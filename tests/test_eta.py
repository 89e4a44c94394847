"""ETAs from the supply curve: pure functions, no database."""
from datetime import date

from api.domain.eta import DELAYED, UNKNOWN, Calendar, Eta, SupplyCurve, eta_for, queue_etas

TODAY = date(2026, 11, 26)  # a Thursday
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


def cal(handling_days=1, working_days=EVERY_DAY, today=TODAY):
    return Calendar(today=today, handling_days=handling_days, working_days=working_days)


def curve(*shipments):
    return SupplyCurve.from_inbound(list(shipments))


def test_supply_curve_is_cumulative_in_date_order_whatever_the_input_order():
    supply = curve((date(2026, 12, 20), 10), (date(2026, 12, 5), 4), (date(2026, 12, 10), 6))
    assert supply.points == (
        (date(2026, 12, 5), 4), (date(2026, 12, 10), 10), (date(2026, 12, 20), 20),
    )
    assert supply.date_covering(1) == date(2026, 12, 5)
    assert supply.date_covering(4) == date(2026, 12, 5)
    assert supply.date_covering(5) == date(2026, 12, 10)
    assert supply.date_covering(20) == date(2026, 12, 20)
    assert supply.date_covering(21) is None


def test_each_line_gets_the_shipment_that_covers_everyone_ahead_plus_itself():
    supply = curve((date(2026, 12, 5), 3), (date(2026, 12, 12), 5))
    etas = queue_etas([2, 1, 3, 2, 1], supply, lead_time_days=None, calendar=cal(0))
    assert etas == [
        Eta(date(2026, 12, 5), "inbound"),   # units 1-2
        Eta(date(2026, 12, 5), "inbound"),   # unit 3
        Eta(date(2026, 12, 12), "inbound"),  # units 4-6
        Eta(date(2026, 12, 12), "inbound"),  # units 7-8
        UNKNOWN,                             # unit 9: no supply, no lead time
    ]


def test_handling_days_are_added_to_the_arrival_date():
    supply = curve((date(2026, 12, 5), 3))
    assert eta_for(1, supply, lead_time_days=None, calendar=cal(2)) == Eta(
        date(2026, 12, 7), "inbound"
    )


def test_an_overdue_shipment_makes_the_line_delayed_never_a_date_in_the_past_nor_a_sliding_one():
    supply = curve((date(2026, 11, 20), 3), (date(2026, 12, 10), 5))
    assert eta_for(2, supply, lead_time_days=None, calendar=cal(1)) == DELAYED
    assert DELAYED.as_dict() == {"date": None, "source": "delayed"}
    # Units the later shipment covers keep its date.
    assert eta_for(5, supply, lead_time_days=None, calendar=cal(1)) == Eta(date(2026, 12, 11), "inbound")


def test_handling_counts_the_stores_working_days():
    friday = curve((date(2026, 11, 27), 3))
    weekdays = (0, 1, 2, 3, 4)
    # Arrives Friday, 1 working day to pack: Monday, not Saturday.
    assert eta_for(1, friday, lead_time_days=None, calendar=cal(1, weekdays)) == Eta(date(2026, 11, 30), "inbound")
    # Arrives on a Saturday with no handling: ships the next working day.
    saturday = curve((date(2026, 11, 28), 3))
    assert eta_for(1, saturday, lead_time_days=None, calendar=cal(0, weekdays)) == Eta(date(2026, 11, 30), "inbound")
    # A store working Saturdays too.
    assert eta_for(1, friday, lead_time_days=None, calendar=cal(1, (0, 1, 2, 3, 4, 5))) == Eta(
        date(2026, 11, 28), "inbound")


def test_a_lead_time_date_counts_from_the_day_it_was_promised():
    later = cal(1, today=date(2026, 12, 1))
    assert eta_for(1, curve(), lead_time_days=14, calendar=later, lead_time_from=TODAY) == Eta(
        date(2026, 12, 11), "lead_time")
    # Past the supplier's lead time and still waiting: delayed, not a date sliding forward.
    assert eta_for(1, curve(), lead_time_days=3, calendar=later, lead_time_from=TODAY) == DELAYED


def test_units_beyond_inbound_supply_fall_back_to_lead_time_from_today():
    supply = curve((date(2026, 12, 5), 3))
    assert eta_for(4, supply, lead_time_days=14, calendar=cal(1)) == Eta(
        date(2026, 12, 11), "lead_time"
    )
    assert eta_for(1, curve(), lead_time_days=0, calendar=cal(0)) == Eta(TODAY, "lead_time")


def test_without_inbound_or_lead_time_the_eta_is_unknown_never_a_made_up_date():
    assert eta_for(1, curve(), lead_time_days=None, calendar=cal(1)) == UNKNOWN
    assert UNKNOWN.as_dict() == {"date": None, "source": "unknown"}
    assert Eta(date(2026, 12, 1), "inbound").as_dict() == {"date": "2026-12-01", "source": "inbound"}


def test_an_empty_queue_has_no_etas():
    assert queue_etas([], curve(), lead_time_days=5, calendar=cal(1)) == []


def test_eta_arithmetic_never_overflows_the_calendar():
    from datetime import date

    from api.domain.eta import SupplyCurve, eta_for

    curve = SupplyCurve.from_inbound([(date.max, 5)])
    assert eta_for(3, curve, lead_time_days=None, calendar=cal(60)).date == date.max
    assert eta_for(9, curve, lead_time_days=3650, calendar=cal(60, today=date(9999, 12, 1))).date == date.max
