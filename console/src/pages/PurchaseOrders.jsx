// Purchase orders: inbound grouped by supplier order. List (by status), create, edit, cancel,
// receive the whole order or part of any line (after a FIFO preview), and import a CSV file that
// is checked row by row first and saved only when every row is right.
import { useState } from 'react';
import { Badge, Box, Button, Flex, Form, FormGroup, Input, Link, Message, Modal, Select, Table, Text } from '@bigcommerce/big-design';
import { api, get, idempotencyKey, query } from '../api.js';
import { date, dateTime, number } from '../format.js';
import { href, navigate } from '../router.js';
import { Empty, fieldError, Loaded, Page, Section, useBusy, useLoad } from '../ui.jsx';
import { PagedTable } from '../tables.jsx';
import { ReceiptPreview } from '../receipts.jsx';
import { VariantFinder } from '../variants.jsx';
import { ImportCsv } from '../imports.jsx';

const PER_PAGE = 25;
const STATUS = { draft: 'warning', open: 'primary', partly_received: 'warning', received: 'success', cancelled: 'secondary' };
const STATUS_TEXT = { draft: 'Draft', open: 'Open', partly_received: 'Partly received', received: 'Received', cancelled: 'Cancelled' };
const ORIGIN_TEXT = { merchant: 'Merchant', reorder: 'Reorder' };
const originText = (order) => ORIGIN_TEXT[order.origin] || order.origin || '—';
const statusBadge = (status) => <Badge variant={STATUS[status] || 'secondary'} label={STATUS_TEXT[status] || status} />;
const lineName = (line) => `${line.name || ''}${line.sku ? ` (${line.sku})` : ''}` || `Variant ${line.variant_id}`;
const orderName = (order) => order.reference || `#${order.id}`;

function OrderForm({ order, onClose, onDone }) {
  const [values, setValues] = useState({
    supplier: order ? order.supplier : '',
    reference: order ? order.reference : '',
    expected_on: order ? order.expected_on : '',
    lines: order ? order.lines.map((line) => ({ ...line, quantity: String(line.quantity) })) : [],
  });
  const { busy, error, run } = useBusy();
  // Known suppliers are offered as the name is typed; a name that matches one links the order to it.
  const suppliers = useLoad(() => get('/suppliers'), []);
  const set = (name, value) => setValues((previous) => ({ ...previous, [name]: value }));
  const setLine = (index, quantity) => set('lines', values.lines.map((line, at) => (at === index ? { ...line, quantity } : line)));
  const save = () => run(async () => {
    const body = {
      supplier: values.supplier, reference: values.reference, expected_on: values.expected_on,
      lines: values.lines.map((line) => (line.id ? { line_id: line.id, quantity: Number(line.quantity) } : { variant_id: line.variant_id, quantity: Number(line.quantity) })),
    };
    const saved = await (order ? api('PATCH', `/purchase-orders/${order.id}`, { body }) : api('POST', '/purchase-orders', { body }));
    onDone(saved);
  });
  const lineErrors = (index) => {
    const lines = error && error.fields && error.fields.lines;
    const entry = lines && !Array.isArray(lines) ? lines[index] || lines[String(index)] : null;
    return entry ? Object.values(entry).flat().join(' ') : undefined;
  };
  return (
    <Modal isOpen header={order ? `Edit purchase order ${orderName(order)}` : 'New purchase order'} onClose={onClose} closeOnEscKey closeOnClickOutside={false}
      actions={[{ text: 'Cancel', variant: 'subtle', onClick: onClose }, { text: order ? 'Save purchase order' : 'Create purchase order', onClick: save, isLoading: busy }]}>
      <Form onSubmit={(event) => { event.preventDefault(); save(); }}>
        {error && error.status !== 422 ? <Message type="error" messages={[{ text: error.message }]} marginBottom="medium" /> : null}
        <FormGroup>
          <Input label="Supplier" required list="known-suppliers" autoComplete="off" value={values.supplier} error={fieldError(error, 'supplier')}
            onChange={(event) => set('supplier', event.target.value)} />
          <datalist id="known-suppliers">
            {(suppliers.data ? suppliers.data.items : []).map((supplier) => <option key={supplier.id} value={supplier.name} />)}
          </datalist>
        </FormGroup>
        <FormGroup><Input label="Reference" description="Your or the supplier’s order number." value={values.reference} error={fieldError(error, 'reference')} onChange={(event) => set('reference', event.target.value)} /></FormGroup>
        <FormGroup>
          <Input label="Expected on" type="date" required value={values.expected_on} error={fieldError(error, 'expected_on')}
            description={order && order.status === 'draft' ? 'Approving the draft sets it to today plus the supplier’s lead time.' : undefined}
            onChange={(event) => set('expected_on', event.target.value)} />
        </FormGroup>
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
      <Text bold marginTop="medium" marginBottom="xSmall">Lines</Text>
      {values.lines.map((line, index) => (
        <Flex key={line.variant_id} alignItems="flex-end" flexGap="0.75rem" marginBottom="small">
          <Box style={{ flex: 1 }}>
            <Input label={`Quantity of ${lineName(line)}`} type="number" min={1} value={line.quantity} error={lineErrors(index)}
              onChange={(event) => setLine(index, event.target.value)} />
          </Box>
          {line.quantity_received ? null : (
            <Button variant="subtle" onClick={() => set('lines', values.lines.filter((_, at) => at !== index))} aria-label={`Remove ${lineName(line)}`}>Remove</Button>
          )}
        </Flex>
      ))}
      {values.lines.length ? null : <Text color="secondary60">No lines yet.</Text>}
      {fieldError(error, 'lines') && !lineErrors(0) ? <Text color="danger">{fieldError(error, 'lines')}</Text> : null}
      <VariantFinder label="Find a variant to add by SKU or name" placeholder="Add a line: SKU or name"
        pickLabel={(variant) => `Add ${variant.sku || variant.name}`} exclude={values.lines.map((line) => line.variant_id)}
        onPick={(variant) => set('lines', [...values.lines, { variant_id: variant.variant_id, sku: variant.sku, name: variant.name, quantity: '1' }])} />
    </Modal>
  );
}

// The preview asks each variant's receipt preview (the same first-come-first-served split the
// receipt makes); units of one variant on two lines are previewed together.
async function previewOrderReceipt(order, lines) {
  const units = {};
  for (const { line_id: lineId, quantity } of lines) {
    const line = order.lines.find((each) => each.id === lineId);
    units[line.variant_id] = (units[line.variant_id] || 0) + quantity;
  }
  const previews = await Promise.all(Object.entries(units).map(async ([variantId, quantity]) => {
    const preview = await api('POST', `/variants/${variantId}/receipts/preview`, { body: { quantity } });
    return preview.allocations.map((allocation) => ({ ...allocation, variant_id: Number(variantId) }));
  }));
  return { allocations: previews.flat() };
}

function ReceiveOrder({ order, onClose, onDone }) {
  const open = order.lines.filter((line) => line.quantity_expected > 0);
  const [quantities, setQuantities] = useState(() => Object.fromEntries(open.map((line) => [line.id, String(line.quantity_expected)])));
  const [preview, setPreview] = useState(null);
  const [key] = useState(idempotencyKey);
  const { busy, error, run } = useBusy();
  const lines = open.filter((line) => Number(quantities[line.id]) > 0).map((line) => ({ line_id: line.id, quantity: Number(quantities[line.id]) }));
  const showPreview = () => run(async () => setPreview(await previewOrderReceipt(order, lines)));
  const confirm = () => run(async () => onDone(await api('POST', `/purchase-orders/${order.id}/receipts`, { body: { lines }, headers: { 'Idempotency-Key': key } })));
  const byVariant = Object.fromEntries(order.lines.map((line) => [line.variant_id, line]));
  const lineError = (line) => {
    const index = lines.findIndex((each) => each.line_id === line.id);
    const entry = error && error.fields && error.fields.lines && error.fields.lines[String(index)];
    return entry ? Object.values(entry).flat().join(' ') : undefined;
  };
  return (
    <Modal isOpen header={`Receive ${orderName(order)}`} onClose={onClose} closeOnEscKey closeOnClickOutside={false}
      actions={[
        { text: 'Cancel', variant: 'subtle', onClick: onClose },
        preview ? { text: 'Confirm receipt', onClick: confirm, isLoading: busy } : { text: 'Preview', onClick: showPreview, isLoading: busy, disabled: !lines.length },
      ]}>
      <Text>Units that arrived, per line. Leave a line at 0 if none came.</Text>
      <Form onSubmit={(event) => { event.preventDefault(); if (preview) confirm(); else showPreview(); }}>
        {open.map((line) => (
          <FormGroup key={line.id}>
            <Input label={`Received of ${lineName(line)}`} description={`${number(line.quantity_expected)} still expected`} type="number" min={0} max={line.quantity_expected}
              value={quantities[line.id]} error={lineError(line)}
              onChange={(event) => { setPreview(null); setQuantities({ ...quantities, [line.id]: event.target.value }); }} />
          </FormGroup>
        ))}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
      {error && !(error.fields && error.fields.lines) ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
      {preview ? <ReceiptPreview preview={preview} describe={(allocation) => lineName(byVariant[allocation.variant_id])} /> : null}
    </Modal>
  );
}

function CancelOrder({ order, onClose, onDone }) {
  const { busy, error, run } = useBusy();
  const cancel = () => run(async () => onDone(await api('POST', `/purchase-orders/${order.id}/cancel`)));
  return (
    <Modal isOpen variant="dialog" header={`Cancel ${orderName(order)}?`} onClose={onClose} closeOnEscKey
      actions={[{ text: 'Keep it', variant: 'subtle', onClick: onClose }, { text: 'Cancel purchase order', actionType: 'destructive', onClick: cancel, isLoading: busy }]}>
      <Text>Units not yet received stop counting as inbound, and shoppers’ dates are worked out again.</Text>
      {error ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
    </Modal>
  );
}

// Approving a draft sends it: the supplier gets it by email, and its lines become inbound due
// after the supplier's lead time, so waiting shoppers get a date (and are told).
function ApproveOrder({ order, onClose, onDone }) {
  const [key] = useState(idempotencyKey);
  const { busy, error, run } = useBusy();
  const approve = () => run(async () => onDone(await api('POST', `/purchase-orders/${order.id}/approve`, { headers: { 'Idempotency-Key': key } })));
  return (
    <Modal isOpen variant="dialog" header={`Approve and send ${orderName(order)}?`} onClose={onClose} closeOnEscKey
      actions={[{ text: 'Not yet', variant: 'subtle', onClick: onClose }, { text: 'Approve and send', onClick: approve, isLoading: busy }]}>
      <Text>
        This emails the purchase order to {order.supplier || 'the supplier'} (a table and a CSV file), and turns its lines into inbound
        expected after the supplier’s lead time. Shoppers waiting for these items get that date at once and are told by email.
      </Text>
      {error ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
    </Modal>
  );
}

function OrderDetail({ orderId }) {
  const state = useLoad(() => get(`/purchase-orders/${orderId}`), [orderId]);
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState(null);
  const done = (text) => { setDialog(null); setNotice(text); state.reload(); };
  return (
    <Loaded state={state}>
      {(order) => {
        const active = !['received', 'cancelled'].includes(order.status);
        const draft = order.status === 'draft';
        return (
          <Page title={`Purchase order ${orderName(order)}`} actions={active ? [
            draft
              ? <Button key="approve" onClick={() => setDialog('approve')}>Approve and send</Button>
              : <Button key="receive" onClick={() => setDialog('receive')}>Receive</Button>,
            <Button key="edit" variant="secondary" onClick={() => setDialog('edit')}>Edit</Button>,
            <Button key="cancel" variant="subtle" actionType="destructive" onClick={() => setDialog('cancel')}>Cancel order</Button>,
          ] : null}>
            <Box marginBottom="medium"><Link href="#/purchase-orders">← All purchase orders</Link></Box>
            {notice ? <Message type="success" messages={[{ text: notice }]} marginBottom="medium" onClose={() => setNotice(null)} /> : null}
            {draft ? (
              <Message type="info" marginBottom="medium" messages={[{
                text: `A draft ${order.origin === 'reorder' ? 'made by automatic reordering ' : ''}promises nothing to shoppers and has not been sent. Review the quantities (Edit), then approve it to send it to the supplier.`,
              }]} />
            ) : null}
            <Section title="Details">
              <Flex flexGap="2rem" flexWrap="wrap" alignItems="center">
                <Text marginBottom="none">Supplier: {order.supplier || '—'}</Text>
                <Text marginBottom="none">Expected on: {date(order.expected_on)}</Text>
                <Text marginBottom="none">Origin: {originText(order)}</Text>
                {order.approved_at ? <Text marginBottom="none">Approved: {dateTime(order.approved_at)}</Text> : null}
                {statusBadge(order.status)}
              </Flex>
            </Section>
            <Section title="Lines">
              <Table
                columns={[
                  { header: 'Variant', hash: 'variant', render: (line) => <Link href={href(`/backorders/${line.variant_id}`)}>{lineName(line)}</Link> },
                  { header: 'Ordered', hash: 'quantity', align: 'right', render: (line) => number(line.quantity) },
                  { header: 'Expected on', hash: 'expected', render: (line) => date(line.expected_on) },
                  { header: 'Received', hash: 'received', align: 'right', render: (line) => number(line.quantity_received) },
                  { header: 'Still expected', hash: 'expected_units', align: 'right', render: (line) => number(line.quantity_expected) },
                ]}
                items={order.lines}
                keyField="id"
                itemName="lines"
              />
            </Section>
            {dialog === 'receive' ? <ReceiveOrder order={order} onClose={() => setDialog(null)} onDone={(result) => {
              const served = result.receipts.reduce((sum, receipt) => sum + receipt.allocated.length, 0);
              done(`Received. ${number(served)} waiting ${served === 1 ? 'line' : 'lines'} got units.`);
            }} /> : null}
            {dialog === 'edit' ? <OrderForm order={order} onClose={() => setDialog(null)} onDone={() => done('Purchase order saved.')} /> : null}
            {dialog === 'approve' ? <ApproveOrder order={order} onClose={() => setDialog(null)}
              onDone={() => done(`Approved and sent to ${order.supplier || 'the supplier'}. Waiting shoppers now have a date.`)} /> : null}
            {dialog === 'cancel' ? <CancelOrder order={order} onClose={() => setDialog(null)} onDone={() => done('Purchase order cancelled.')} /> : null}
          </Page>
        );
      }}
    </Loaded>
  );
}

function OrderList({ params }) {
  const status = params.status || '';
  const page = Number(params.page || 1);
  const state = useLoad(() => get(`/purchase-orders${query({ status, page, per_page: PER_PAGE })}`), [status, page]);
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState(null);
  return (
    <Page title="Purchase orders" actions={[
      <Button key="new" onClick={() => setDialog('new')}>New purchase order</Button>,
      <Button key="import" variant="secondary" onClick={() => setDialog('import')}>Import CSV</Button>,
    ]}>
      {notice ? <Message type="success" messages={[{ text: notice }]} marginBottom="medium" onClose={() => setNotice(null)} /> : null}
      <Section title="All purchase orders">
        <Box marginBottom="medium" style={{ maxWidth: 280 }}>
          <Select label="Status" value={status} onOptionChange={(value) => navigate('/purchase-orders', { status: value })}
            options={[{ value: '', content: 'All' }, ...Object.entries(STATUS_TEXT).map(([value, content]) => ({ value, content }))]} />
        </Box>
        <PagedTable
          state={state}
          page={page}
          perPage={PER_PAGE}
          onPage={(next) => navigate('/purchase-orders', { status, page: next })}
          columns={[
            { header: 'Reference', hash: 'reference', render: (order) => <Link href={href(`/purchase-orders/${order.id}`)}>{orderName(order)}</Link> },
            { header: 'Supplier', hash: 'supplier', render: (order) => order.supplier || '—' },
            { header: 'Expected on', hash: 'expected', render: (order) => date(order.expected_on) },
            { header: 'Units', hash: 'units', align: 'right', render: (order) => `${number(order.quantity_received)} of ${number(order.quantity)} received` },
            { header: 'Origin', hash: 'origin', render: originText },
            { header: 'Status', hash: 'status', render: (order) => statusBadge(order.status) },
          ]}
          keyField="id"
          itemName="purchase orders"
          emptyComponent={<Empty>No purchase orders{status ? ` with status “${STATUS_TEXT[status]}”` : ''}. Create one or import a CSV file.</Empty>}
        />
      </Section>
      {dialog === 'new' ? <OrderForm onClose={() => setDialog(null)} onDone={(order) => navigate(`/purchase-orders/${order.id}`)} /> : null}
      {dialog === 'import' ? (
        <ImportCsv title="Import purchase orders from CSV" path="/purchase-orders/import" onClose={() => setDialog(null)}
          columns={<>Columns: <code>reference, supplier, sku</code> (or <code>variant_id</code>), <code>quantity, expected_on</code>. Rows with the same reference make one purchase order.</>}
          describe={(check) => {
            const lines = check.purchase_orders.reduce((sum, order) => sum + order.lines.length, 0);
            return `${number(lines)} ${lines === 1 ? 'line' : 'lines'} in ${number(check.purchase_orders.length)} ${check.purchase_orders.length === 1 ? 'purchase order' : 'purchase orders'}.`;
          }}
          onDone={(result) => { setDialog(null); setNotice(`Imported ${number(result.purchase_orders.length)} purchase orders.`); state.reload(); }} />
      ) : null}
    </Page>
  );
}

export default function PurchaseOrders({ parts, params }) {
  return parts[0] ? <OrderDetail orderId={parts[0]} /> : <OrderList params={params} />;
}
