// Purchase orders: inbound grouped by supplier order. List (by status), create, edit, cancel,
// receive the whole order or part of any line (after a FIFO preview), and import a CSV file that
// is checked row by row first and saved only when every row is right.
import { useState } from 'react';
import { Badge, Box, Button, Flex, Form, FormGroup, Input, Link, Message, Modal, Select, Table, Text } from '@bigcommerce/big-design';
import { api, get, idempotencyKey, query } from '../api.js';
import { date, number } from '../format.js';
import { href, navigate } from '../router.js';
import { Empty, fieldError, Loaded, Page, Section, useBusy, useLoad } from '../ui.jsx';
import { PagedTable } from '../tables.jsx';
import { ReceiptPreview } from '../receipts.jsx';
import { VariantFinder } from '../variants.jsx';

const PER_PAGE = 25;
const STATUS = { open: 'primary', partly_received: 'warning', received: 'success', cancelled: 'secondary' };
const STATUS_TEXT = { open: 'Open', partly_received: 'Partly received', received: 'Received', cancelled: 'Cancelled' };
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
        <FormGroup><Input label="Supplier" required value={values.supplier} error={fieldError(error, 'supplier')} onChange={(event) => set('supplier', event.target.value)} /></FormGroup>
        <FormGroup><Input label="Reference" description="Your or the supplier’s order number." value={values.reference} error={fieldError(error, 'reference')} onChange={(event) => set('reference', event.target.value)} /></FormGroup>
        <FormGroup><Input label="Expected on" type="date" required value={values.expected_on} error={fieldError(error, 'expected_on')} onChange={(event) => set('expected_on', event.target.value)} /></FormGroup>
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

// A 422 from the import names each bad row by its line in the file ({"12": {"quantity": [...]}});
// problems with the whole file (columns, size, encoding) come under other keys.
function importProblems(error) {
  const entries = Object.entries((error && error.fields) || {});
  const rows = entries.filter(([key]) => /^\d+$/.test(key)).map(([row, fields]) => ({ row: Number(row), fields }));
  const file = entries.filter(([key]) => !/^\d+$/.test(key)).flatMap(([, messages]) => [].concat(messages));
  return { rows: rows.sort((a, b) => a.row - b.row), file };
}

function ImportCsv({ onClose, onDone }) {
  const [files, setFiles] = useState([]);
  const [check, setCheck] = useState(null);
  const { busy, error, run } = useBusy();
  const send = (dryRun) => {
    const form = new FormData();
    form.append('file', files[0]);
    return api('POST', `/purchase-orders/import${dryRun ? '?dry_run=true' : ''}`, { body: form });
  };
  const verify = () => run(async () => { setCheck(null); setCheck(await send(true)); });
  const importNow = () => run(async () => onDone(await send(false)));
  const problems = error && error.status === 422 ? importProblems(error) : null;
  const rowCount = check ? check.purchase_orders.reduce((sum, order) => sum + order.lines.length, 0) : 0;
  return (
    <Modal isOpen header="Import purchase orders from CSV" onClose={onClose} closeOnEscKey closeOnClickOutside={false}
      actions={[
        { text: 'Cancel', variant: 'subtle', onClick: onClose },
        check ? { text: 'Import', onClick: importNow, isLoading: busy } : { text: 'Check file', onClick: verify, isLoading: busy, disabled: !files.length },
      ]}>
      <Text>
        Columns: <code>reference, supplier, sku</code> (or <code>variant_id</code>), <code>quantity, expected_on</code>.
        Rows with the same reference make one purchase order. The file is checked first, and nothing is saved unless every row is right.
      </Text>
      {/* A plain file field: BigDesign's FileUploader nests a button inside its drop zone (axe: nested-interactive). */}
      <FormGroup>
        <Input label="CSV file" type="file" accept=".csv,text/csv"
          onChange={(event) => { setCheck(null); setFiles([...event.target.files].slice(-1)); }} />
      </FormGroup>
      {error && !problems ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
      {problems ? (
        <Box marginTop="medium">
          <Message type="error" header="Nothing was saved" messages={[{ text: error.message }, ...problems.file.map((text) => ({ text }))]} />
          {problems.rows.length ? (
            <Table
              columns={[
                { header: 'Line in file', hash: 'row', render: (row) => number(row.row) },
                {
                  header: 'Errors', hash: 'errors',
                  render: (row) => Object.entries(row.fields).map(([field, messages]) => `${field}: ${[].concat(messages).join(' ')}`).join('; '),
                },
              ]}
              items={problems.rows}
              keyField="row"
            />
          ) : null}
        </Box>
      ) : null}
      {check ? (
        <Message type="success" marginTop="medium"
          messages={[{ text: `Every row is right: ${number(rowCount)} ${rowCount === 1 ? 'line' : 'lines'} in ${number(check.purchase_orders.length)} ${check.purchase_orders.length === 1 ? 'purchase order' : 'purchase orders'}. Import to save them.` }]} />
      ) : null}
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
        return (
          <Page title={`Purchase order ${orderName(order)}`} actions={active ? [
            <Button key="receive" onClick={() => setDialog('receive')}>Receive</Button>,
            <Button key="edit" variant="secondary" onClick={() => setDialog('edit')}>Edit</Button>,
            <Button key="cancel" variant="subtle" actionType="destructive" onClick={() => setDialog('cancel')}>Cancel order</Button>,
          ] : null}>
            <Box marginBottom="medium"><Link href="#/purchase-orders">← All purchase orders</Link></Box>
            {notice ? <Message type="success" messages={[{ text: notice }]} marginBottom="medium" onClose={() => setNotice(null)} /> : null}
            <Section title="Details">
              <Flex flexGap="2rem" flexWrap="wrap" alignItems="center">
                <Text marginBottom="none">Supplier: {order.supplier || '—'}</Text>
                <Text marginBottom="none">Expected on: {date(order.expected_on)}</Text>
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
            { header: 'Status', hash: 'status', render: (order) => statusBadge(order.status) },
          ]}
          keyField="id"
          itemName="purchase orders"
          emptyComponent={<Empty>No purchase orders{status ? ` with status “${STATUS_TEXT[status]}”` : ''}. Create one or import a CSV file.</Empty>}
        />
      </Section>
      {dialog === 'new' ? <OrderForm onClose={() => setDialog(null)} onDone={(order) => navigate(`/purchase-orders/${order.id}`)} /> : null}
      {dialog === 'import' ? (
        <ImportCsv onClose={() => setDialog(null)}
          onDone={(result) => { setDialog(null); setNotice(`Imported ${number(result.purchase_orders.length)} purchase orders.`); state.reload(); }} />
      ) : null}
    </Page>
  );
}

export default function PurchaseOrders({ parts, params }) {
  return parts[0] ? <OrderDetail orderId={parts[0]} /> : <OrderList params={params} />;
}
