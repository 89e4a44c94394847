// Charts (recharts) and the tables behind them. Only pages that draw a chart import this module,
// so the chart library loads with them and never with the console's first load.
// A chart is a picture of a table that is always shown beside it: screen-reader and keyboard users
// read the table, so the picture itself is one image with a name.
import styled, { useTheme } from 'styled-components';
import { Box, Table, Text } from '@bigcommerce/big-design';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

const CHARTS = { bar: [BarChart, Bar], line: [LineChart, Line] };

// Series colours from BigDesign's palette, in the order series are listed.
const palette = (theme) => [theme.colors.primary, theme.colors.warning50, theme.colors.success, theme.colors.danger, theme.colors.secondary60];

// `series`: [{ key, name, format, dashed }]; the first series' format labels the value axis.
export function Chart({ kind = 'line', label, data, x, tick = (value) => value, series, height = 260 }) {
  const theme = useTheme();
  const colours = palette(theme);
  const [Frame, Mark] = CHARTS[kind];
  const format = series[0].format || String;
  const byName = Object.fromEntries(series.map((each) => [each.name, each.format || String]));
  return (
    <Box marginBottom="medium">
      <Text bold marginBottom="xSmall" aria-hidden="true">{label}</Text>
      <Box role="img" aria-label={`${label}. The table below holds the same figures.`}>
        <Frame data={data} responsive accessibilityLayer={false} style={{ width: '100%', height }} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke={theme.colors.secondary30} vertical={false} />
          <XAxis dataKey={x} padding={kind === 'line' ? { left: 12, right: 12 } : undefined} tickFormatter={tick} tick={{ fill: theme.colors.secondary70, fontSize: 12 }} minTickGap={12} />
          <YAxis tickFormatter={format} tick={{ fill: theme.colors.secondary70, fontSize: 12 }} width={72} />
          <Tooltip labelFormatter={tick} formatter={(value, name) => [byName[name](value), name]} />
          {series.length > 1 ? <Legend itemSorter={null} /> : null}
          {series.map((each, index) => (kind === 'bar'
            ? <Mark key={each.key} dataKey={each.key} name={each.name} fill={colours[index]} isAnimationActive={false} />
            : <Mark key={each.key} dataKey={each.key} name={each.name} stroke={colours[index]} strokeWidth={2} strokeDasharray={each.dashed ? '6 4' : undefined}
              dot={data.length < 40} connectNulls isAnimationActive={false} />))}
        </Frame>
      </Box>
    </Box>
  );
}

const Scroll = styled.div`
  max-height: 22rem;
  overflow: auto;
  &:focus-visible { outline: 2px solid ${({ theme }) => theme.colors.primary40}; outline-offset: 2px; }
`;

// A table of figures, named for screen readers; long ones scroll in a box the keyboard can reach.
export function FigureTable({ label, columns, items, keyField, empty = 'No figures for these dates.' }) {
  if (!items.length) return <Text color="secondary60">{empty}</Text>;
  return (
    <Scroll tabIndex={0} role="region" aria-label={`${label} (table)`}>
      <Table aria-label={label} columns={columns} items={items} keyField={keyField} stickyHeader />
    </Scroll>
  );
}
