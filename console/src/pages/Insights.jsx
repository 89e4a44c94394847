// Insights: what backorders kept and lost, and how honest the dates were, over a date range
// (GET /analytics). Each figure is a chart with the table of the same figures under it, and each
// table downloads as CSV (GET /analytics/<table>.csv with the same range).
import { useState } from 'react';
import { Box, Button, Flex, Form, FormGroup, Grid, Input, Message, Select, Text } from '@bigcommerce/big-design';
import { download, get, query } from '../api.js';
import { days, money, number, percent, period, periodTick } from '../format.js';
import { navigate } from '../router.js';
import { Chart, FigureTable } from '../charts.jsx';
import { fieldError, Loaded, Page, Section, useLoad } from '../ui.jsx';

const GRANULARITIES = [
  { value: 'day', content: 'Day' },
  { value: 'week', content: 'Week' },
  { value: 'month', content: 'Month' },
];

function RangeForm({ range, error, onApply }) {
  const [values, setValues] = useState(range);
  const set = (name, value) => setValues((previous) => ({ ...previous, [name]: value }));
  return (
    <Form onSubmit={(event) => { event.preventDefault(); onApply(values); }} fullWidth>
      <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-end" marginBottom="medium">
        <FormGroup><Input label="From" type="date" value={values.from} error={fieldError(error, 'from')} onChange={(event) => set('from', event.target.value)} /></FormGroup>
        <FormGroup><Input label="To" type="date" value={values.to} error={fieldError(error, 'to')} onChange={(event) => set('to', event.target.value)} /></FormGroup>
        <FormGroup>
          <Select label="Granularity" value={values.granularity} options={GRANULARITIES} onOptionChange={(value) => set('granularity', value)} />
        </FormGroup>
        <Button type="submit">Show</Button>
      </Flex>
    </Form>
  );
}

// A section's "Download CSV": the same range as on screen, saved under the server's file name.
function CsvButton({ table, range, label }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await download(`/analytics/${table}.csv${query(range)}`);
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  return (
    <Box marginTop="small">
      <Button variant="secondary" onClick={save} isLoading={busy} aria-label={`Download CSV: ${label}`}>Download CSV</Button>
      {error ? <Message type="error" messages={[{ text: error.message }]} marginTop="small" /> : null}
    </Box>
  );
}

// Headline figures above a chart: a label and a value each.
function Figures({ items }) {
  return (
    <Grid as="dl" gridColumns="repeat(auto-fill, minmax(12rem, 1fr))" gridGap="1rem" style={{ margin: '0 0 1.5rem' }}>
      {items.map(([label, value]) => (
        <Box key={label}>
          <Text as="dt" color="secondary60" marginBottom="xxSmall">{label}</Text>
          <Text as="dd" bold marginBottom="none" style={{ margin: 0, fontSize: '1.25rem' }}>{value}</Text>
        </Box>
      ))}
    </Grid>
  );
}

const OUTCOMES = [
  ['shipped', 'Shipped'],
  ['allocated', 'Allocated, not yet shipped'],
  ['cancelled', 'Cancelled'],
  ['switched', 'Switched to another item'],
  ['waiting', 'Still waiting'],
];

// The figures every ETA-accuracy table shares, after the column that names its row.
const accuracyColumns = [
  { header: 'Lines shipped', hash: 'lines_shipped', align: 'right', render: (row) => number(row.lines_shipped) },
  { header: 'On time', hash: 'on_time', align: 'right', render: (row) => number(row.on_time) },
  { header: 'On-time share', hash: 'on_time_share', align: 'right', render: (row) => percent(row.on_time_share) },
  { header: 'Median days late', hash: 'median_days_late', align: 'right', render: (row) => days(row.median_days_late) },
  { header: '90th percentile days late', hash: 'p90_days_late', align: 'right', render: (row) => days(row.p90_days_late) },
];

function Report({ report, range }) {
  const { granularity, currency } = report;
  const named = (iso) => period(iso, granularity);
  const tick = (iso) => periodTick(iso, granularity);
  const cash = (minor) => money(minor, currency);
  const periodColumn = { header: 'Period', hash: 'period', render: (row) => named(row.period) };
  const { demand, outcomes, eta_accuracy: accuracy, wait, restock_alerts: alerts, suppliers } = report;
  const outcomeRows = OUTCOMES.map(([key, label]) => ({ key, label, units: outcomes.units[key], share: outcomes.shares[key] }));
  return (
    <>
      <Section title="Demand kept">
        <Text>Units ordered while out of stock, and what they and the orders holding them were worth.</Text>
        <Figures items={[
          ['Backordered units', number(demand.totals.backordered_units)],
          ['Their revenue', cash(demand.totals.backordered_revenue)],
          ['Orders with backorders', number(demand.totals.orders_with_backorders)],
          ['Revenue of those orders', cash(demand.totals.orders_with_backorders_revenue)],
        ]} />
        <Chart kind="bar" label="Backordered units per period" data={demand.periods} x="period" tick={tick}
          series={[{ key: 'backordered_units', name: 'Backordered units', format: number }]} />
        <Chart label="Revenue per period" data={demand.periods} x="period" tick={tick}
          series={[
            { key: 'orders_with_backorders_revenue', name: 'Orders with backorders', format: cash },
            { key: 'backordered_revenue', name: 'Backordered units', format: cash, dashed: true },
          ]} />
        <FigureTable label="Demand kept per period" items={demand.periods} keyField="period" columns={[
          periodColumn,
          { header: 'Backordered units', hash: 'units', align: 'right', render: (row) => number(row.backordered_units) },
          { header: 'Their revenue', hash: 'revenue', align: 'right', render: (row) => cash(row.backordered_revenue) },
          { header: 'Orders with backorders', hash: 'orders', align: 'right', render: (row) => number(row.orders_with_backorders) },
          { header: 'Revenue of those orders', hash: 'orders_revenue', align: 'right', render: (row) => cash(row.orders_with_backorders_revenue) },
        ]} />
        <CsvButton table="demand" range={range} label="demand kept" />
      </Section>

      <Section title="Outcomes">
        <Text>What became of the units backordered in these dates.</Text>
        <Figures items={[
          ['Revenue kept', cash(outcomes.revenue_kept)],
          ['Revenue refunded', cash(outcomes.revenue_refunded)],
          ['Pay-later lines', `${number(outcomes.pay_later.lines)} (${percent(outcomes.pay_later.share)})`],
          ['Pay-later lines paid', number(outcomes.pay_later.paid)],
        ]} />
        <Chart kind="bar" label="Backordered units by outcome" data={outcomeRows} x="label"
          series={[{ key: 'units', name: 'Units', format: number }]} />
        <FigureTable label="Outcomes of backordered units" items={outcomeRows} keyField="key" columns={[
          { header: 'Outcome', hash: 'label', render: (row) => row.label },
          { header: 'Units', hash: 'units', align: 'right', render: (row) => number(row.units) },
          { header: 'Share', hash: 'share', align: 'right', render: (row) => percent(row.share) },
        ]} />
        <CsvButton table="outcomes" range={range} label="outcomes" />
      </Section>

      <Section title="ETA accuracy">
        <Text>Lines shipped on or before the date first promised to the shopper, and how late the others were.</Text>
        <Figures items={[['Waiting past their promised date now', `${number(accuracy.waiting_past_promise)} lines`]]} />
        <Chart label="Share of lines shipped on time per period" data={accuracy.periods} x="period" tick={tick}
          series={[{ key: 'on_time_share', name: 'Shipped on time', format: percent }]} />
        <Chart label="Days late per period" data={accuracy.periods} x="period" tick={tick}
          series={[
            { key: 'median_days_late', name: 'Median days late', format: days },
            { key: 'p90_days_late', name: '90th percentile days late', format: days, dashed: true },
          ]} />
        <FigureTable label="ETA accuracy per period" items={accuracy.periods} keyField="period" columns={[periodColumn, ...accuracyColumns]} />
        <CsvButton table="eta_accuracy" range={range} label="ETA accuracy per period" />

        <Text bold marginTop="large">By product</Text>
        <FigureTable label="ETA accuracy by product" items={accuracy.by_product} keyField="product_id" columns={[
          { header: 'Product', hash: 'name', render: (row) => row.name || `Product ${row.product_id}` }, ...accuracyColumns]} />
        <CsvButton table="eta_by_product" range={range} label="ETA accuracy by product" />

        <Text bold marginTop="large">By supplier</Text>
        <FigureTable label="ETA accuracy by supplier" items={accuracy.by_supplier.map((row) => ({ ...row, key: row.supplier_id ?? 'none' }))} keyField="key" columns={[
          { header: 'Supplier', hash: 'supplier', render: (row) => row.supplier || 'No supplier' }, ...accuracyColumns]} />
        <CsvButton table="eta_by_supplier" range={range} label="ETA accuracy by supplier" />
      </Section>

      <Section title="Wait">
        <Text>Days from the order to the units being allocated to it.</Text>
        <Figures items={[['Median wait', days(wait.median_days)], ['90th percentile wait', days(wait.p90_days)]]} />
        <Chart label="Days waited per period" data={wait.periods} x="period" tick={tick}
          series={[
            { key: 'median_days', name: 'Median days', format: days },
            { key: 'p90_days', name: '90th percentile days', format: days, dashed: true },
          ]} />
        <FigureTable label="Wait per period" items={wait.periods} keyField="period" columns={[
          periodColumn,
          { header: 'Lines allocated', hash: 'lines', align: 'right', render: (row) => number(row.lines) },
          { header: 'Median days', hash: 'median', align: 'right', render: (row) => days(row.median_days) },
          { header: '90th percentile days', hash: 'p90', align: 'right', render: (row) => days(row.p90_days) },
        ]} />
        <CsvButton table="wait" range={range} label="wait" />
      </Section>

      <Section title="Restock alerts">
        <Text>Shoppers who asked to hear when an item is back, and what the alerts brought in.</Text>
        <FigureTable label="Restock alerts" keyField="label"
          items={[
            { label: 'Subscriptions', value: number(alerts.subscriptions) },
            { label: 'Alerts sent', value: number(alerts.alerts_sent) },
            { label: 'Orders within 7 days of an alert', value: number(alerts.orders_within_7_days) },
            { label: 'Revenue attributed to alerts', value: cash(alerts.attributed_revenue) },
          ]}
          columns={[
            { header: 'Figure', hash: 'label', render: (row) => row.label },
            { header: 'Value', hash: 'value', align: 'right', render: (row) => row.value },
          ]} />
        <CsvButton table="restock_alerts" range={range} label="restock alerts" />
      </Section>

      <Section title="Suppliers">
        <Text>Purchase-order lines received by their expected date, and how late the rest came.</Text>
        <Chart kind="bar" label="Share of lines received on time by supplier" data={suppliers} x="supplier"
          series={[{ key: 'on_time_share', name: 'Received on time', format: percent }]} />
        <FigureTable label="Suppliers" items={suppliers.map((row) => ({ ...row, key: row.supplier_id ?? 'none' }))} keyField="key"
          empty="No purchase-order lines were due in these dates." columns={[
            { header: 'Supplier', hash: 'supplier', render: (row) => row.supplier || 'No supplier' },
            { header: 'Lines', hash: 'lines', align: 'right', render: (row) => number(row.lines) },
            { header: 'Received on time', hash: 'received_on_time', align: 'right', render: (row) => number(row.received_on_time) },
            { header: 'On-time share', hash: 'share', align: 'right', render: (row) => percent(row.on_time_share) },
            { header: 'Mean days late', hash: 'late', align: 'right', render: (row) => days(row.mean_days_late) },
          ]} />
        <CsvButton table="suppliers" range={range} label="suppliers" />
      </Section>
    </>
  );
}

export default function Insights({ params }) {
  const asked = { from: params.from || '', to: params.to || '', granularity: params.granularity || 'week' };
  const state = useLoad(() => get(`/analytics${query(asked)}`), [asked.from, asked.to, asked.granularity]);
  // The form shows the dates the report covers (the API's defaults when none were asked for).
  const shown = state.data ? { from: state.data.from, to: state.data.to, granularity: state.data.granularity } : asked;
  return (
    <Page title="Insights">
      <RangeForm key={`${shown.from}/${shown.to}/${shown.granularity}`} range={shown} error={state.error}
        onApply={(range) => navigate('/insights', range)} />
      <Loaded state={state}>{(report) => <Report report={report} range={shown} />}</Loaded>
    </Page>
  );
}
