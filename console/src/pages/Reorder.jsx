// Reorder: variants at or below their reorder point, most urgent first (GET /reorder), with the
// figures behind each suggestion; "Draft purchase orders now" does what the daily job does
// (POST /reorder/drafts) and the drafts open on the Purchase orders page for review and approval.
import { useState } from 'react';
import { Box, Button, Checkbox, Link, Message, Table, Text } from '@bigcommerce/big-design';
import { api, get, query } from '../api.js';
import { date, days, decimal, number, percent } from '../format.js';
import { href, navigate } from '../router.js';
import { Empty, Loaded, Page, Section, useBusy, useLoad } from '../ui.jsx';

const draftLink = (id) => <Link href={href(`/purchase-orders/${id}`)}>Draft #{id}</Link>;

// What "Draft purchase orders now" made: drafts to review, and orders to suppliers set to send
// automatically, which went out at once.
function Drafted({ orders, onClose }) {
  if (!orders.length) {
    return <Message type="info" messages={[{ text: 'No new draft: every need is already covered by an open or draft purchase order, or its supplier does not reorder automatically.' }]} marginBottom="medium" onClose={onClose} />;
  }
  const lines = (order) => `${number(order.lines.length)} ${order.lines.length === 1 ? 'line' : 'lines'}`;
  return (
    <Message type="success" marginBottom="medium" onClose={onClose}
      header={`${number(orders.length)} ${orders.length === 1 ? 'purchase order' : 'purchase orders'} drafted`}
      messages={orders.map((order) => (order.status === 'draft'
        ? { text: `${order.supplier || 'No supplier'}: ${lines(order)}, waiting for your approval.`, link: { text: `Review draft #${order.id}`, href: href(`/purchase-orders/${order.id}`) } }
        : { text: `${order.supplier || 'No supplier'}: ${lines(order)}, sent at once (the supplier is set to send automatically).`, link: { text: `See purchase order #${order.id}`, href: href(`/purchase-orders/${order.id}`) } }))} />
  );
}

export default function Reorder({ params }) {
  const all = params.all === 'true';
  const state = useLoad(() => get(`/reorder${query({ all: all ? 'true' : undefined })}`), [all]);
  const [drafted, setDrafted] = useState(null);
  const { busy, error, run } = useBusy();
  const draftNow = () => run(async () => {
    setDrafted((await api('POST', '/reorder/drafts')).items);
    state.reload();
  });
  const columns = [
    { header: 'Variant', hash: 'variant', render: (item) => <Link href={href(`/backorders/${item.variant_id}`)}>{item.name}{item.sku ? ` (${item.sku})` : ''}</Link> },
    { header: 'Supplier', hash: 'supplier', render: (item) => item.supplier || 'None set' },
    { header: 'Days of cover', hash: 'cover', align: 'right', render: (item) => days(item.days_of_cover) },
    { header: 'Stock-out', hash: 'stockout', render: (item) => date(item.stockout_on) },
    { header: 'Position / reorder point', hash: 'position', align: 'right', render: (item) => `${number(item.position)} / ${decimal(item.reorder_point)}` },
    { header: 'Weekly demand', hash: 'weekly', align: 'right', render: (item) => decimal(item.weekly_demand) },
    { header: 'Suggested quantity', hash: 'suggested', align: 'right', render: (item) => number(item.suggested_quantity) },
    { header: 'Draft', hash: 'draft', render: (item) => (item.draft_purchase_order_id ? draftLink(item.draft_purchase_order_id) : '—') },
  ];
  return (
    <Page title="Reorder" actions={[
      <Button key="draft" onClick={draftNow} isLoading={busy}>Draft purchase orders now</Button>,
    ]}>
      {error ? <Message type="error" messages={[{ text: error.message }]} marginBottom="medium" /> : null}
      {drafted ? <Drafted orders={drafted} onClose={() => setDrafted(null)} /> : null}
      <Section title={all ? 'Every variant with a forecast' : 'Variants at or below their reorder point'}>
        <Loaded state={state}>
          {(data) => (
            <>
              <Text>
                Position is on hand plus open inbound, less units shoppers are waiting for. The reorder point is the forecast demand
                over the supplier’s lead time plus safety stock for a {percent(data.service_level)} service level (see Settings).
                Suppliers that reorder automatically get a draft from the daily job; you approve it on the Purchase orders page.
              </Text>
              <Box marginBottom="medium">
                <Checkbox label="Show every variant with a forecast" checked={all} onChange={(event) => navigate('/reorder', { all: event.target.checked ? 'true' : undefined })} />
              </Box>
              <Table aria-label="Reorder suggestions" columns={columns} items={data.items} keyField="variant_id" itemName="variants"
                emptyComponent={<Empty>{all ? 'No variant has a forecast yet: forecasts are made nightly from sales history.' : 'Nothing to reorder: every variant is above its reorder point.'}</Empty>} />
              <Text marginTop="medium" color="secondary60">
                <Link href={href('/purchase-orders', { status: 'draft' })}>See every draft purchase order</Link>
              </Text>
            </>
          )}
        </Loaded>
      </Section>
    </Page>
  );
}
