// A variant's weekly demand: the last 26 weeks sold and the next 12 forecast (GET
// /variants/<id>/forecast), as a chart with its table. Loaded on demand by the pages that show it,
// so the chart library comes with it.
import { Box, Text } from '@bigcommerce/big-design';
import { get } from './api.js';
import { date, decimal, periodTick } from './format.js';
import { Chart, FigureTable } from './charts.jsx';
import { Loaded, useLoad } from './ui.jsx';

// The forecasting method in the merchant's words (the API names the statsforecast model).
const METHODS = { crostonsba: 'Croston’s method (SBA), for intermittent demand', autoets: 'exponential smoothing (ETS)', mstl: 'a seasonal decomposition (MSTL)' };

export default function VariantForecast({ variantId, name }) {
  const state = useLoad(() => get(`/variants/${variantId}/forecast`), [variantId]);
  return (
    <Loaded state={state}>
      {(forecast) => {
        const rows = [
          ...forecast.history.map((week) => ({ week: week.week, kind: 'Sold', sold: week.units, units: week.units })),
          ...forecast.forecast.map((week) => ({ week: week.week, kind: 'Forecast', forecast: week.units, units: week.units })),
        ];
        // The dashed forecast line starts from the last week sold, so the two read as one line.
        const drawn = rows.map((row, index) => (forecast.forecast.length && index === forecast.history.length - 1 ? { ...row, forecast: row.units } : row));
        return (
          <Box>
            <Text>
              {forecast.forecast.length
                ? `About ${decimal(forecast.weekly_demand)} units a week (give or take ${decimal(forecast.weekly_deviation)}), forecast on ${date(forecast.computed_on)}${forecast.method ? ` by ${METHODS[forecast.method.toLowerCase()] || forecast.method}` : ''}.`
                : 'No forecast yet: forecasts are made nightly for every variant with sales history.'}
            </Text>
            <Chart label={`Units sold and forecast per week for ${name}`} data={drawn} x="week" tick={(iso) => periodTick(iso, 'week')}
              series={[
                { key: 'sold', name: 'Sold', format: decimal },
                { key: 'forecast', name: 'Forecast', format: decimal, dashed: true },
              ]} />
            <FigureTable label={`Weekly demand of ${name}`} items={rows} keyField="week" columns={[
              { header: 'Week of', hash: 'week', render: (row) => date(row.week) },
              { header: 'Figure', hash: 'kind', render: (row) => row.kind },
              { header: 'Units', hash: 'units', align: 'right', render: (row) => decimal(row.units) },
            ]} />
          </Box>
        );
      }}
    </Loaded>
  );
}
