// Refunds: the refunds owed to shoppers and made, failed ones first in mind. A failed refund
// (declined by the payment provider, refused by the platform, or unanswered after every
// attempt) was not paid: the merchant retries it once the cause is settled, or refunds by hand.
import { useState } from 'react';
import { Badge, Box, Button, Message, Select, Table, Text } from '@bigcommerce/big-design';
import { api, get, idempotencyKey, query } from '../api.js';
import { dateTime, money, number } from '../format.js';
import { navigate } from '../router.js';
import { Empty, Loaded, Page, Section, useLoad } from '../ui.jsx';

const STATUSES = ['failed', 'pending', 'sending', 'confirmed'];
const BADGE = { pending: 'secondary', sending: 'primary', confirmed: 'success', failed: 'danger' };
const REASONS = {
  cancel: 'Cancelled', switch: 'Cheaper switch', switch_unpaid: 'Switch not paid', pay_later: 'Pay later',
  unwanted_payment: 'Payment not needed', in_store: 'In store',
};

export default function Refunds({ params }) {
  // Failed refunds are the ones that need the merchant: shown unless another status is asked for.
  const chosen = params.status || 'failed';
  const status = chosen === 'all' ? '' : chosen;
  const state = useLoad(() => get(`/refunds${query({ status })}`), [status]);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(null);
  const retry = async (refund) => {
    setNotice(null);
    setBusy(refund.id);
    try {
      await api('POST', `/refunds/${refund.id}/retry`, { headers: { 'Idempotency-Key': idempotencyKey() } });
      setNotice({ type: 'success', text: `The refund of ${money(refund.amount, refund.currency)} for order #${refund.order_id} will be asked for again in a minute or two.` });
      state.reload();
    } catch (failure) {
      setNotice({ type: 'error', text: failure.message });
    }
    setBusy(null);
  };
  const columns = [
    { header: 'Order', hash: 'order', render: (refund) => `#${refund.order_id}` },
    { header: 'Item', hash: 'item', render: (refund) => `${number(refund.quantity)} × ${refund.name}${refund.sku ? ` (${refund.sku})` : ''}` },
    { header: 'Why', hash: 'reason', render: (refund) => REASONS[refund.reason] || refund.reason },
    { header: 'Amount', hash: 'amount', align: 'right', render: (refund) => money(refund.amount, refund.currency) },
    { header: 'Status', hash: 'status', render: (refund) => <Badge variant={BADGE[refund.status] || 'secondary'} label={refund.status} /> },
    { header: 'Attempts', hash: 'attempts', align: 'right', render: (refund) => number(refund.attempts) },
    { header: 'Last error', hash: 'error', render: (refund) => refund.error || '—' },
    { header: 'Owed since', hash: 'created', render: (refund) => dateTime(refund.created_at) },
    {
      header: 'Actions', hash: 'actions', hideHeader: true,
      render: (refund) => (refund.status === 'failed'
        ? <Button variant="secondary" isLoading={busy === refund.id} onClick={() => retry(refund)}
          aria-label={`Retry the refund for order #${refund.order_id}`}>Retry</Button> : null),
    },
  ];
  return (
    <Page title="Refunds">
      <Message type="info" marginBottom="medium" messages={[
        { text: 'A failed refund was not paid, and the shopper has not been told it was. Once its cause is settled (a new card, the payment gateway back), press Retry: it is asked for again under the same reference, so it is never paid twice.' },
        { text: 'You can also refund the shopper by hand in your BigCommerce control panel (Orders › the order › Refund). If you do, do not retry it here as well.' },
      ]} />
      <Section title={status ? `Refunds ${status}` : 'All refunds'}>
        <Box marginBottom="medium" style={{ maxWidth: 280 }}>
          <Select label="Status" value={chosen} onOptionChange={(value) => navigate('/refunds', { status: value })}
            options={[...STATUSES.map((each) => ({ value: each, content: each })), { value: 'all', content: 'All' }]} />
        </Box>
        {notice ? <Message type={notice.type} messages={[{ text: notice.text }]} marginBottom="medium" /> : null}
        <Loaded state={state}>
          {(data) => (data.items.length
            ? <Table items={data.items} columns={columns} itemName="refunds" />
            : <Empty>{status === 'failed' ? 'No failed refunds: every refund owed was paid or is on its way.' : `No refunds${status ? ` ${status}` : ''}.`}</Empty>)}
        </Loaded>
        <Text color="secondary60" marginTop="small" marginBottom="none">The 200 most recent are shown, newest first.</Text>
      </Section>
    </Page>
  );
}
