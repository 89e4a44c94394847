"""Demand forecasts: weekly history from sales (store weeks, zeros filled), the method chosen per
series, level and seasonality recovered from seeded synthetic series, the nightly job (once a
day per store) and the forecast route."""
from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from api.domain import clock
from api.domain.forecast import (
    AUTO_ETS, CROSTON_SBA, MSTL, forecast_series, method_for, week_of, weekly_history,
)
from api.jobs import nightly_forecasts
from api.models import DemandForecast, Sale, Store, Variant
from test_admin_api import put_variant
from test_worker_delivery import NOW

CURRENT_WEEK = week_of(NOW.date())  # Monday 23 November 2026


def seasonal_units(weeks: int, seed: int = 14) -> tuple[list[int], np.ndarray]:
    """Poisson demand around 20 a week with a yearly swing of ±8 (peak in week 13 of the cycle)."""
    mean = 20 + 8 * np.sin(2 * np.pi * np.arange(weeks + 12) / 52)
    return list(np.random.default_rng(seed).poisson(mean[:weeks])), mean[weeks:]


def intermittent_units(weeks: int, seed: int = 15) -> list[int]:
    """A sale in about one week of four, of 1 to 7 units: 1.0 a week on average."""
    rng = np.random.default_rng(seed)
    return list(rng.binomial(1, 0.25, weeks) * (1 + rng.poisson(3, weeks)))


def test_the_method_follows_the_shape_of_the_history():
    assert method_for(intermittent_units(150)) == CROSTON_SBA
    assert method_for(seasonal_units(150)[0]) == MSTL  # regular, two years and more
    assert method_for(seasonal_units(60)[0]) == AUTO_ETS  # regular, shorter
    assert method_for([3, 4, 5]) == CROSTON_SBA  # too short for ETS


def test_a_seasonal_series_is_forecast_at_its_level_with_its_season():
    units, truth = seasonal_units(156)
    result = forecast_series({"tee": units}, CURRENT_WEEK)["tee"]
    assert result.method == MSTL
    ahead = np.array([value for _, value in result.weeks])
    assert [week for week, _ in result.weeks] == [CURRENT_WEEK + timedelta(weeks=n) for n in range(12)]
    assert result.weekly_demand == pytest.approx(truth.mean(), rel=0.15)
    assert np.corrcoef(ahead, truth)[0, 1] > 0.5  # the rising half of the season shows
    assert ahead[-3:].mean() > ahead[:3].mean() + 3
    assert 3 < result.weekly_deviation < 7  # Poisson noise around 20-28 a week: √20 … √28


def test_an_intermittent_series_is_forecast_at_its_mean_rate():
    result = forecast_series({"mug": intermittent_units(156)}, CURRENT_WEEK)["mug"]
    assert result.method == CROSTON_SBA
    assert result.weekly_demand == pytest.approx(1.0, abs=0.35)
    assert len({value for _, value in result.weeks}) == 1  # a flat rate: no pattern to follow
    assert result.weekly_deviation > 1


# --- from the store's sales -----------------------------------------------------------------------


def sell(app, variant_id: int, weekly: list[int], store_hash: str = "store-a") -> None:
    """Sales of `weekly[i]` units in the i-th week before the current one (oldest first), on its
    Wednesday."""
    with app.extensions["database"].transaction() as session:
        store_id = session.scalar(select(Store.id).where(Store.hash == store_hash))
        variant_pk = session.scalar(select(Variant.id).where(Variant.store_id == store_id,
                                                             Variant.variant_id == variant_id))
        for n, units in enumerate(weekly):
            if not units:
                continue
            day = CURRENT_WEEK - timedelta(weeks=len(weekly) - n) + timedelta(days=2)
            session.add(Sale(store_id=store_id, order_id=variant_id * 10_000 + n, item_id=1, variant_pk=variant_pk,
                             placed_at=datetime.combine(day, datetime.min.time()) + timedelta(hours=15),
                             day=day, quantity=int(units), revenue=1000 * int(units), currency="USD"))


def test_weekly_history_fills_the_weeks_without_sales_and_stops_before_this_week(app, client, admin, session):
    put_variant(client, admin, 1)
    sell(app, 1, [2, 0, 0, 5])
    store = session.scalar(select(Store))
    variant_pk = session.scalar(select(Variant.id))
    assert weekly_history(session, store) == {variant_pk: [
        (CURRENT_WEEK - timedelta(weeks=4), 2), (CURRENT_WEEK - timedelta(weeks=3), 0),
        (CURRENT_WEEK - timedelta(weeks=2), 0), (CURRENT_WEEK - timedelta(weeks=1), 5)]}


def test_the_nightly_job_forecasts_each_store_once_a_day(app, client, admin):
    put_variant(client, admin, 1)
    put_variant(client, admin, 2)
    sell(app, 1, intermittent_units(60))
    database = app.extensions["database"]
    assert nightly_forecasts(database) == 1  # variant 2 has no history
    assert nightly_forecasts(database) == 0
    with database.session(write=False) as session:
        [stored] = session.scalars(select(DemandForecast)).all()
        assert (stored.method, stored.computed_on, len(stored.weeks)) == (CROSTON_SBA, NOW.date(), 12)
    sell(app, 2, [4] * 20)
    clock.freeze(NOW + timedelta(days=1))
    assert nightly_forecasts(database) == 2
    assert nightly_forecasts(database) == 0


def test_the_forecast_route_shows_26_weeks_of_history_and_12_ahead(app, client, admin, other_admin):
    put_variant(client, admin, 1)
    empty = client.get("/api/v1/admin/variants/1/forecast", headers=admin).get_json()
    assert (empty["method"], empty["forecast"], empty["weekly_demand"]) == (None, [], None)
    assert len(empty["history"]) == 26 and {week["units"] for week in empty["history"]} == {0}
    sell(app, 1, [6, 4, 5, 7, 5, 6, 4, 5, 6, 5])
    nightly_forecasts(app.extensions["database"])
    body = client.get("/api/v1/admin/variants/1/forecast", headers=admin).get_json()
    assert (body["variant_id"], body["method"], body["computed_on"]) == (1, AUTO_ETS, NOW.date().isoformat())
    assert body["history"][0]["week"] == (CURRENT_WEEK - timedelta(weeks=26)).isoformat()
    assert [week["units"] for week in body["history"][-10:]] == [6, 4, 5, 7, 5, 6, 4, 5, 6, 5]
    assert body["forecast"][0]["week"] == CURRENT_WEEK.isoformat() and len(body["forecast"]) == 12
    assert body["weekly_demand"] == pytest.approx(5.3, abs=1) and body["weekly_deviation"] > 0
    assert client.get("/api/v1/admin/variants/2/forecast", headers=admin).status_code == 404
    assert client.get("/api/v1/admin/variants/1/forecast", headers=other_admin).status_code == 404
