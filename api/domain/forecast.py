"""Weekly demand per variant, forecast from its sales history.

History: the units of a variant's `Sale` rows per ISO week (Monday first; a sale's `day` is
already its date in the store's time zone), zeros filled, from the week of its first sale to the
last complete week. The forecast covers the current week and the 11 after it.

Method (statsforecast, Nixtla), chosen per series by a rule that can be explained in a sentence:
- intermittent demand — the average interval between weeks with a sale (ADI) above 1.32, the
  Syntetos–Boylan cut-off — gets Croston's method with the Syntetos–Boylan bias correction
  (`CrostonSBA`): a smoothed size of demand divided by a smoothed interval;
- regular demand with two full years of history gets `MSTL` with a 52-week season (loess
  seasonal decomposition; the deseasonalised rest forecast by ETS without season): two years is
  the least from which a yearly pattern is told from noise;
- other regular demand gets `AutoETS` (exponential smoothing, error/trend chosen by AICc);
- fewer than 8 weeks of history (too few for ETS to fit) get `CrostonSBA` too.

`weekly_deviation` is the root mean square of the in-sample one-step-ahead errors: the spread of
a week's demand around what the method expected, which safety stock is sized on."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from math import sqrt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.domain.bulk import insert_rows
from api.domain.dates import store_today
from api.models import DemandForecast, Sale, Store

HORIZON_WEEKS = 12
HISTORY_SHOWN_WEEKS = 26
SEASON_WEEKS = 52
SEASONAL_MIN_WEEKS = 2 * SEASON_WEEKS
INTERMITTENT_ADI = 1.32
ETS_MIN_WEEKS = 8
CROSTON_SBA, MSTL, AUTO_ETS = "CrostonSBA", "MSTL", "AutoETS"


def week_of(day: date) -> date:
    """The Monday starting the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Forecast:
    method: str
    weeks: list[tuple[date, float]]  # the weeks ahead, from the current one
    weekly_demand: float  # the mean of the weeks ahead
    weekly_deviation: float


def method_for(units: list[float]) -> str:
    """The rule above, for a weekly series (oldest first) with at least one sale."""
    selling = sum(1 for value in units if value > 0)
    if not selling or len(units) / selling > INTERMITTENT_ADI or len(units) < ETS_MIN_WEEKS:
        return CROSTON_SBA
    return MSTL if len(units) >= SEASONAL_MIN_WEEKS else AUTO_ETS


def _model(method: str):
    # statsforecast (with pandas and statsmodels) takes seconds to import: only the nightly job
    # and the backtest need it, not every process that serves the API.
    from statsforecast.models import MSTL as Mstl, AutoETS, CrostonSBA

    if method == CROSTON_SBA:
        return CrostonSBA()
    if method == MSTL:
        return Mstl(season_length=SEASON_WEEKS, trend_forecaster=AutoETS(model="ZZN"))
    return AutoETS(model="ZZN")


def forecast_series(series: dict, first_week: date, horizon: int = HORIZON_WEEKS) -> dict:
    """Forecast many weekly series at once: `series` maps a key to its units per week (oldest
    first, the last one being the week before `first_week`). Series sharing a method go to
    statsforecast in one call. Returns a Forecast per key."""
    import pandas as pd
    from statsforecast import StatsForecast

    by_method = defaultdict(list)
    for key, units in series.items():
        by_method[method_for(units)].append(key)
    results = {}
    for method, keys in by_method.items():
        frame = pd.DataFrame({
            "unique_id": [str(n) for n, key in enumerate(keys) for _ in series[key]],
            "ds": [pd.Timestamp(first_week - timedelta(weeks=len(series[key]) - i))
                   for key in keys for i in range(len(series[key]))],
            "y": [float(value) for key in keys for value in series[key]],
        })
        engine = StatsForecast(models=[_model(method)], freq="W-MON", n_jobs=1)
        ahead = engine.forecast(df=frame, h=horizon, fitted=True)
        fitted = engine.forecast_fitted_values()
        ahead_by = _column_by_id(ahead, method)
        actual_by = {uid: list(group["y"]) for uid, group in fitted.groupby("unique_id", sort=False)}
        fitted_by = _column_by_id(fitted, method)
        for n, key in enumerate(keys):
            uid = str(n)
            values = [max(0.0, float(value)) for value in ahead_by[uid]]  # demand is never negative
            errors = [a - f for a, f in zip(actual_by[uid], fitted_by[uid]) if f == f]  # NaN: no fit yet
            deviation = sqrt(sum(e * e for e in errors) / len(errors)) if errors else 0.0
            results[key] = Forecast(
                method=method,
                weeks=[(first_week + timedelta(weeks=i), round(value, 3)) for i, value in enumerate(values)],
                weekly_demand=round(sum(values) / len(values), 3),
                weekly_deviation=round(deviation, 3),
            )
    return results


def _column_by_id(frame, method: str) -> dict[str, list[float]]:
    column = next(name for name in frame.columns if name not in ("unique_id", "ds", "y"))
    return {uid: list(group[column]) for uid, group in frame.groupby("unique_id", sort=False)}


# --- the store's history -----------------------------------------------------------------------


def weekly_history(session: Session, store: Store, variant_pks: list[int] | None = None,
                   *, until: date | None = None) -> dict[int, list[tuple[date, int]]]:
    """Units sold per week for each variant with sales (or those asked for), from the week of
    its first sale up to the week before `until`'s (default: the store's today), zeros filled."""
    current = week_of(until or store_today(store))
    query = (select(Sale.variant_pk, Sale.day, func.sum(Sale.quantity))
             .where(Sale.store_id == store.id, Sale.day < current)
             .group_by(Sale.variant_pk, Sale.day))
    if variant_pks is not None:
        query = query.where(Sale.variant_pk.in_(variant_pks))
    per_week: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for variant_pk, day, units in session.execute(query):
        per_week[variant_pk][week_of(day)] += int(units)
    history = {}
    for variant_pk, weeks in per_week.items():
        week, series = min(weeks), []
        while week < current:
            series.append((week, weeks.get(week, 0)))
            week += timedelta(weeks=1)
        history[variant_pk] = series
    return history


def store_series(session_read: Session, store: Store) -> tuple[date, dict[int, list[float]]]:
    """The store's today and the weekly units of every variant that sold (reads only)."""
    today = store_today(store)
    history = weekly_history(session_read, store, until=today)
    return today, {pk: [units for _, units in weeks] for pk, weeks in history.items() if any(u for _, u in weeks)}


def save_forecasts(session: Session, store: Store, computed_on: date, forecasts: dict[int, Forecast]) -> int:
    """Replace the store's forecasts (a variant whose history is gone loses its forecast)."""
    session.execute(delete(DemandForecast).where(DemandForecast.store_id == store.id))
    insert_rows(session, DemandForecast.__table__, [
        {"variant_pk": pk, "store_id": store.id, "method": f.method, "computed_on": computed_on,
         "weeks": [[week.isoformat(), units] for week, units in f.weeks],
         "weekly_demand": f.weekly_demand, "weekly_deviation": f.weekly_deviation}
        for pk, f in sorted(forecasts.items())
    ])
    store.forecasts_computed_on = computed_on
    return len(forecasts)


def variant_forecast(session: Session, store: Store, variant) -> dict:
    """What the console charts: the last 26 weeks of history and the stored forecast."""
    today = store_today(store)
    current = week_of(today)
    sold = weekly_history(session, store, [variant.id], until=today).get(variant.id, [])
    by_week = dict(sold)
    history = [{"week": week, "units": by_week.get(week, 0)}
               for week in (current - timedelta(weeks=n) for n in range(HISTORY_SHOWN_WEEKS, 0, -1))]
    stored = session.get(DemandForecast, variant.id)
    return {
        "variant_id": variant.variant_id,
        "method": stored.method if stored else None,
        "computed_on": stored.computed_on if stored else None,
        "history": history,
        "forecast": [{"week": date.fromisoformat(week), "units": units} for week, units in stored.weeks]
        if stored else [],
        "weekly_demand": stored.weekly_demand if stored else None,
        "weekly_deviation": stored.weekly_deviation if stored else None,
    }
