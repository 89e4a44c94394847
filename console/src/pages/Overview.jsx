// Overview: the figures a merchant checks first, each linking to the page that explains it.
import styled from 'styled-components';
import { Grid, Link, Text } from '@bigcommerce/big-design';
import { get } from '../api.js';
import { date, days, money, number } from '../format.js';
import { href } from '../router.js';
import { Loaded, Page, useLoad } from '../ui.jsx';

const Card = styled.a`
  background: ${({ theme }) => theme.colors.white};
  border: ${({ theme }) => theme.border.box};
  border-radius: ${({ theme }) => theme.borderRadius.normal};
  color: inherit;
  display: block;
  padding: ${({ theme }) => theme.spacing.large};
  text-decoration: none;
  &:hover { border-color: ${({ theme }) => theme.colors.primary30}; }
  &:focus-visible { outline: 2px solid ${({ theme }) => theme.colors.primary40}; outline-offset: 2px; }
  strong { display: block; font-size: 1.75rem; font-weight: 600; line-height: 1.3; }
`;

function Figure({ to, label, value, detail }) {
  return (
    <Card href={to}>
      <Text color="secondary60" marginBottom="xxSmall">{label}</Text>
      <strong>{value}</strong>
      {detail ? <Text marginBottom="none">{detail}</Text> : null}
    </Card>
  );
}

export default function Overview() {
  const state = useLoad(() => get('/overview'), []);
  return (
    <Page title="Overview">
      <Loaded state={state}>
        {(figures) => {
          const values = figures.backordered_value || [];
          const oldest = figures.oldest_wait;
          const inbound = figures.inbound_next_7_days || {};
          return (
            <Grid gridColumns="repeat(auto-fill, minmax(16rem, 1fr))" gridGap="1rem">
              <Figure to={href('/backorders')} label="Waiting" value={`${number(figures.units_waiting)} units`} detail={`on ${number(figures.lines_waiting)} order lines`} />
              <Figure to={href('/backorders')} label="Value of backordered lines"
                value={values.length ? values.map((each) => money(each.amount, each.currency)).join(' · ') : 'Nothing waiting'} />
              <Figure to={href('/backorders', { sort: 'oldest', order: 'asc' })} label="Oldest wait"
                value={oldest ? days(oldest.days) : 'Nobody waiting'} detail={oldest ? `since ${date(oldest.placed_at)}` : undefined} />
              <Figure to={href('/backorders', { sort: 'oldest', order: 'asc' })} label="Past the first promised date" value={`${number(figures.lines_past_first_promise)} lines`}
                detail="waiting beyond the date the shopper was first given" />
              <Figure to={href('/purchase-orders')} label="Inbound in the next 7 days" value={`${number(inbound.units)} units`} detail={`in ${number(inbound.shipments)} shipments, until ${date(inbound.until)}`} />
              <Figure to={href('/messages', { status: 'failed' })} label="Failed messages" value={number(figures.failed_messages)} />
              <Figure to={href('/refunds')} label="Failed refunds" value={number(figures.failed_refunds)}
                detail={figures.failed_refunds ? 'not paid: retry them, or refund by hand' : 'every refund owed is paid or on its way'} />
            </Grid>
          );
        }}
      </Loaded>
      <Text marginTop="large"><Link href={href('/activity')}>See every recent change in Activity</Link></Text>
    </Page>
  );
}
