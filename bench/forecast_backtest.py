"""Rolling-origin backtest of the demand forecast (a script, not a test): the method the nightly
job uses (api/domain/forecast.py: CrostonSBA, AutoETS or MSTL chosen per series) against a
seasonal-naive baseline (the same week a year before; the last week when the history is shorter
than a year), on

(a) synthetic weekly series generated with a seed, with known patterns: a yearly season, smooth
    demand without season, intermittent demand, and intermittent demand whose rate follows a
    season;
(b) the demo store's sales history, seeded in a scratch SQLite database by the demo's own
    seeding function (api/demo/seed.py).

From each series' end, `--origins` forecast origins `--step` weeks apart; at each, the method
and the baseline see only the weeks before it and forecast the next `--horizon` weeks.

- MASE: mean absolute error over the horizon, scaled by the in-sample mean absolute one-week
  change of the training weeks (the one-step naive error), averaged over series and origins; a
  series that never changed in its training weeks is left out of MASE (its scale is 0).
- WAPE: total absolute error / total units sold, over every series, origin and week.
Lower is better for both.

    .venv/bin/python bench/forecast_backtest.py
    .venv/bin/python bench/forecast_backtest.py --synthetic-only --series 10
"""
import argparse
import sys
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.domain.forecast import SEASON_WEEKS, forecast_series, week_of  # noqa: E402

TODAY_WEEK = week_of(date(2026, 11, 23))  # any Monday: the series carry no calendar


def synthetic(series_per_kind: int, seed: int) -> dict[str, dict[str, list[int]]]:
    """Series by kind, each as units per week, oldest first."""
    rng = np.random.default_rng(seed)
    kinds: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for n in range(series_per_kind):
        weeks = np.arange(156)
        level, swing, peak = rng.uniform(5, 40), rng.uniform(0.2, 0.5), rng.uniform(0, 52)
        season = 1 + swing * np.sin(2 * np.pi * (weeks - peak) / 52)
        kinds["seasonal"][f"seasonal-{n}"] = list(rng.poisson(level * season))
        smooth = rng.uniform(3, 30)
        kinds["smooth"][f"smooth-{n}"] = list(rng.poisson(smooth, 78))
        chance, size = rng.uniform(0.1, 0.4), rng.uniform(1, 5)
        kinds["intermittent"][f"intermittent-{n}"] = list(
            rng.binomial(1, chance, 104) * (1 + rng.poisson(size - 1, 104)))
        seasonal_chance = np.clip(chance * season, 0, 1)
        kinds["seasonal intermittent"][f"seasonal-intermittent-{n}"] = list(
            rng.binomial(1, seasonal_chance) * (1 + rng.poisson(size - 1, 156)))
    return kinds


def seasonal_naive(train: list[int], horizon: int) -> list[float]:
    if len(train) >= SEASON_WEEKS:
        return [float(train[len(train) - SEASON_WEEKS + i % SEASON_WEEKS]) for i in range(horizon)]
    return [float(train[-1])] * horizon


def backtest(series: dict[str, list[int]], horizon: int, origins: int, step: int) -> dict[str, dict]:
    """Errors of the method and of the baseline: {"method"|"naive": {"mase": [...], "abs": x, "units": y}}."""
    scores = {name: {"mase": [], "abs": 0.0, "units": 0.0} for name in ("method", "naive")}
    for k in range(origins):
        back = horizon + k * step
        windows = {key: (units[:-back], units[len(units) - back:len(units) - back + horizon])
                   for key, units in series.items() if len(units) - back >= 2 and any(units[:-back])}
        if not windows:
            continue
        forecasts = forecast_series({key: train for key, (train, _) in windows.items()},
                                    TODAY_WEEK - timedelta(weeks=back), horizon)
        for key, (train, actual) in windows.items():
            scale = float(np.mean(np.abs(np.diff(train)))) if len(train) > 1 else 0.0
            predictions = {"method": [units for _, units in forecasts[key].weeks],
                           "naive": seasonal_naive(train, horizon)}
            for name, predicted in predictions.items():
                errors = np.abs(np.array(predicted) - np.array(actual, dtype=float))
                scores[name]["abs"] += float(errors.sum())
                scores[name]["units"] += float(sum(actual))
                if scale > 0:
                    scores[name]["mase"].append(float(errors.mean()) / scale)
    return scores


def demo_history() -> dict[str, list[int]]:
    """Weekly units of every demo variant with sales, from the demo seed in a scratch database."""
    from api import create_app
    from api.demo.seed import seed
    from api.domain.forecast import weekly_history
    from api.models import Base, Store, Variant

    folder = tempfile.mkdtemp(prefix="forecast-backtest-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3", "SECRET_KEYS": ["backtest"],
                      "INSTANCE_PATH": folder})
    database = app.extensions["database"]
    Base.metadata.create_all(database.engine)
    with app.app_context():
        with database.transaction() as session:
            seed(session, "http://127.0.0.1:5000")
        with database.session(write=False) as session:
            store = session.query(Store).one()
            skus = {variant.id: variant.sku or str(variant.variant_id) for variant in session.query(Variant)}
            history = weekly_history(session, store)
    return {skus[pk]: [units for _, units in weeks] for pk, weeks in history.items()}


def rows_for(name: str, series: dict[str, list[int]], args) -> list[tuple]:
    scores = backtest(series, args.horizon, args.origins, args.step)
    row = [name, len(series)]
    for model in ("method", "naive"):
        s = scores[model]
        row += [float(np.mean(s["mase"])) if s["mase"] else float("nan"),
                s["abs"] / s["units"] if s["units"] else float("nan")]
    return [tuple(row)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=20, help="synthetic series per kind")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--horizon", type=int, default=12, help="weeks forecast from each origin")
    parser.add_argument("--origins", type=int, default=4)
    parser.add_argument("--step", type=int, default=4, help="weeks between origins")
    parser.add_argument("--demo-horizon", type=int, default=4,
                        help="the demo's history is short: weeks forecast from each of its origins")
    parser.add_argument("--synthetic-only", action="store_true")
    args = parser.parse_args()

    rows = []
    everything = {}
    for kind, series in synthetic(args.series, args.seed).items():
        rows += rows_for(f"(a) synthetic: {kind}", series, args)
        everything.update(series)
    rows += rows_for("(a) synthetic: all", everything, args)
    if not args.synthetic_only:
        demo = demo_history()
        if demo:
            demo_args = argparse.Namespace(**{**vars(args), "horizon": args.demo_horizon, "step": 2})
            rows += rows_for(f"(b) demo store ({args.demo_horizon}-week horizon)", demo, demo_args)
        else:
            print("(b) demo store: its seed records no sales history, so there is nothing to backtest.\n")

    print(f"Rolling-origin backtest: {args.origins} origins {args.step} weeks apart, "
          f"{args.horizon}-week horizon (seed {args.seed}). Lower is better.\n")
    print("| data set | series | MASE method | WAPE method | MASE seasonal naive | WAPE seasonal naive |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, count, mase, wape, naive_mase, naive_wape in rows:
        print(f"| {name} | {count} | {mase:.2f} | {wape:.1%} | {naive_mase:.2f} | {naive_wape:.1%} |")


if __name__ == "__main__":
    main()
