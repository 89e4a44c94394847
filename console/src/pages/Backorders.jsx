// Backorders: every variant with waiting units (search, sort, pages), and one variant's queue and
// inbound, where the merchant receives stock (after a FIFO preview) and adds, edits or deletes
// inbound (a date change first shows how many shoppers will be told).
import { useState } from 'react';
import { Box, Button, Flex, Form, FormGroup, Input, Link, Message, Modal, Select, Table, Text } from '@bigcommerce/big-design';
import { api, get, idempotencyKey, query } from '../api.js';
import { date, number } from '../format.js';
import { href, navigate } from '../router.js';
import { ReceiptPreview } from '../receipts.jsx';
import { Empty, fieldError, Loaded, Page, SearchBox, Section, useBusy, useLoad } from '../ui.jsx';
import { PagedTable } from '../tables.jsx';

const PER_PAGE = 25;
const eta = (value) => (value && value.date ? date(value.date) : 'Unknown');

function VariantList({ params }) {
  const search = params.search || '';
  const sort = params.sort || 'waiting';
  const order = params.order || (sort === 'waiting' ? 'desc' : 'asc');
  const page = Number(params.page || 1);
  const state = useLoad(() => get(`/backorders/variants${query({ search, sort, order, page, per_page: PER_PAGE })}`), [search, sort, order, page]);
  const go = (changes) => navigate('/backorders', { search, sort, order, page, ...changes });
  const columns = [
    { header: 'SKU', hash: 'sku', isSortable: true, render: (item) => <Link href={href(`/backorders/${item.variant_id}`)}>{item.sku || item.variant_id}</Link> },
    { header: 'Name', hash: 'name', isSortable: true, render: (item) => item.name },
    { header: 'On hand', hash: 'on_hand', isSortable: true, align: 'right', render: (item) => number(item.on_hand) },
    { header: 'Waiting', hash: 'waiting', isSortable: true, align: 'right', render: (item) => `${number(item.waiting_units)} (${number(item.waiting_lines)} ${item.waiting_lines === 1 ? 'line' : 'lines'})` },
    { header: 'Oldest wait', hash: 'oldest', isSortable: true, render: (item) => date(item.oldest_placed_at) },
    {
      header: 'Next inbound', hash: 'next_inbound', isSortable: true,
      render: (item) => (item.next_inbound ? `${number(item.next_inbound.quantity)} on ${date(item.next_inbound.expected_on)}` : 'None'),
    },
    { header: 'Backorder limit', hash: 'limit', align: 'right', render: (item) => (item.backorder_limit == null ? 'No limit' : number(item.backorder_limit)) },
    { header: 'Next ETA', hash: 'eta', render: (item) => eta(item.next_eta) },
  ];
  return (
    <Page title="Backorders">
      <Section title="Variants with shoppers waiting">
        <Box marginBottom="medium">
          <SearchBox initial={search} label="Search by SKU or name" onSearch={(typed) => go({ search: typed, page: 1 })} />
        </Box>
        <PagedTable
          state={state}
          page={page}
          perPage={PER_PAGE}
          onPage={(next) => go({ page: next })}
          columns={columns}
          keyField="variant_id"
          itemName="variants"
          emptyComponent={<Empty>{search ? `No waiting variant matches “${search}”.` : 'No shopper is waiting for anything.'}</Empty>}
          sortable={{ columnHash: sort, direction: order === 'desc' ? 'DESC' : 'ASC', onSort: (hash, next) => go({ sort: hash, order: next.toLowerCase(), page: 1 }) }}
        />
      </Section>
    </Page>
  );
}

// Receive stock: a preview of which lines get units, in queue order, then the receipt itself with
// one idempotency key for this dialog, so a repeated click cannot receive twice.
function ReceiveModal({ title, previewPath, receivePath, fields, onClose, onDone, describe }) {
  // The preview needs only what decides the allocation; the receipt also names the inbound it fills.
  const [values, setValues] = useState(fields.initial);
  const [preview, setPreview] = useState(null);
  const { busy, error, run } = useBusy();
  const [key] = useState(idempotencyKey);
  const body = fields.body(values);
  const showPreview = () => run(async () => setPreview(await api('POST', previewPath, { body: fields.previewBody ? fields.previewBody(values) : body })));
  const confirm = () => run(async () => onDone(await api('POST', receivePath, { body, headers: { 'Idempotency-Key': key } })));
  const change = (next) => { setPreview(null); setValues(next); };
  return (
    <Modal isOpen header={title} onClose={onClose} closeOnEscKey closeOnClickOutside={false}
      actions={[
        { text: 'Cancel', variant: 'subtle', onClick: onClose },
        preview
          ? { text: 'Confirm receipt', onClick: confirm, isLoading: busy }
          : { text: 'Preview', onClick: showPreview, isLoading: busy },
      ]}>
      <Form onSubmit={(event) => { event.preventDefault(); if (preview) confirm(); else showPreview(); }}>
        {fields.render(values, change, error)}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
      {error && error.status !== 422 ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
      {preview ? <ReceiptPreview preview={preview} describe={describe} /> : null}
    </Modal>
  );
}

function receiveFields(inbound) {
  const open = inbound.filter((each) => !each.received_on);
  return {
    initial: { quantity: '', inbound_id: open.length ? open[0].id : '' },
    body: (values) => ({ quantity: Number(values.quantity), ...(values.inbound_id ? { inbound_id: values.inbound_id } : {}) }),
    previewBody: (values) => ({ quantity: Number(values.quantity) }),
    render: (values, change, error) => (
      <>
        <FormGroup>
          <Input label="Units received" type="number" min={1} required value={values.quantity} error={fieldError(error, 'quantity')}
            onChange={(event) => change({ ...values, quantity: event.target.value })} />
        </FormGroup>
        {open.length ? (
          <FormGroup>
            <Select label="Against inbound" value={values.inbound_id} onOptionChange={(value) => change({ ...values, inbound_id: value })}
              options={[...open.map((each) => ({ value: each.id, content: `${number(each.quantity)} expected ${date(each.expected_on)}` })), { value: '', content: 'No inbound (unplanned stock)' }]} />
          </FormGroup>
        ) : null}
      </>
    ),
  };
}

function InboundModal({ variantId, inbound, onClose, onDone }) {
  const [values, setValues] = useState({ quantity: inbound ? inbound.quantity : '', expected_on: inbound ? inbound.expected_on : '' });
  const [impact, setImpact] = useState(null);
  const { busy, error, run } = useBusy();
  const body = { quantity: Number(values.quantity), expected_on: values.expected_on };
  const changed = !inbound || values.expected_on !== inbound.expected_on || Number(values.quantity) !== inbound.quantity;
  const base = `/variants/${variantId}/inbound`;
  const preview = () => run(async () => setImpact(await api('POST', inbound ? `${base}/${inbound.id}/preview` : `${base}/preview`, { body })));
  const save = () => run(async () => {
    await (inbound ? api('PATCH', `${base}/${inbound.id}`, { body }) : api('POST', base, { body }));
    onDone();
  });
  const needsPreview = changed && !impact;
  const change = (name) => (event) => { setImpact(null); setValues({ ...values, [name]: event.target.value }); };
  const told = impact && impact.shoppers_notified;
  return (
    <Modal isOpen header={inbound ? 'Edit inbound' : 'Add inbound'} onClose={onClose} closeOnEscKey closeOnClickOutside={false}
      actions={[
        { text: 'Cancel', variant: 'subtle', onClick: onClose },
        needsPreview ? { text: 'Preview', onClick: preview, isLoading: busy } : { text: 'Save inbound', onClick: save, isLoading: busy },
      ]}>
      <Form onSubmit={(event) => { event.preventDefault(); if (needsPreview) preview(); else save(); }}>
        <FormGroup>
          <Input label="Quantity" type="number" min={1} required value={values.quantity} error={fieldError(error, 'quantity')} onChange={change('quantity')} />
        </FormGroup>
        <FormGroup>
          <Input label="Expected on" type="date" required value={values.expected_on} error={fieldError(error, 'expected_on')} onChange={change('expected_on')} />
        </FormGroup>
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
      {error && error.status !== 422 ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
      {impact ? (
        <Message type={told ? 'warning' : 'info'} marginTop="medium"
          messages={[{ text: told ? `${number(told)} ${told === 1 ? 'shopper' : 'shoppers'} will be told that their date moved.` : 'No shopper’s date changes.' }]} />
      ) : null}
    </Modal>
  );
}

function DeleteInbound({ variantId, inbound, onClose, onDone }) {
  const { busy, error, run } = useBusy();
  const remove = () => run(async () => {
    await api('DELETE', `/variants/${variantId}/inbound/${inbound.id}`);
    onDone();
  });
  return (
    <Modal isOpen variant="dialog" header="Delete this inbound?" onClose={onClose} closeOnEscKey
      actions={[{ text: 'Keep it', variant: 'subtle', onClick: onClose }, { text: 'Delete inbound', actionType: 'destructive', onClick: remove, isLoading: busy }]}>
      <Text>{number(inbound.quantity)} units expected {date(inbound.expected_on)}. Shoppers’ dates are worked out again without it.</Text>
      {error ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
    </Modal>
  );
}

function VariantDetail({ variantId }) {
  const queue = useLoad(() => get(`/variants/${variantId}/queue`), [variantId]);
  const inbound = useLoad(() => get(`/variants/${variantId}/inbound`), [variantId]);
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState(null);
  const done = (text) => { setDialog(null); setNotice(text); queue.reload(); inbound.reload(); };
  const variant = queue.data || {};
  const inboundItems = (inbound.data && inbound.data.items) || [];
  return (
    <Page
      title={variant.name ? `${variant.name}${variant.sku ? ` (${variant.sku})` : ''}` : 'Variant'}
      actions={[
        <Button key="receive" onClick={() => setDialog({ kind: 'receive' })} disabled={!inbound.data}>Receive stock</Button>,
        <Button key="add" variant="secondary" onClick={() => setDialog({ kind: 'inbound' })}>Add inbound</Button>,
      ]}>
      <Box marginBottom="medium"><Link href="#/backorders">← All backorders</Link></Box>
      {notice ? <Message type="success" messages={[{ text: notice }]} marginBottom="medium" onClose={() => setNotice(null)} /> : null}
      <Section title="Queue">
        <Loaded state={queue}>
          {(data) => (
            <>
              <Text>On hand: {number(data.on_hand)} · Waiting: {number(data.waiting_units)} · Backorder limit: {data.backorder_limit == null ? 'none' : number(data.backorder_limit)}</Text>
              <Table
                columns={[
                  { header: 'Place', hash: 'position', render: (line) => number(line.position) },
                  { header: 'Order', hash: 'order', render: (line) => line.order_id },
                  { header: 'Customer', hash: 'customer', render: (line) => (line.customer && line.customer.email) || '—' },
                  { header: 'Waiting', hash: 'waiting', align: 'right', render: (line) => number(line.quantity_waiting) },
                  { header: 'Allocated', hash: 'allocated', align: 'right', render: (line) => number(line.quantity_allocated) },
                  { header: 'Payment', hash: 'payment', render: (line) => (line.payment_mode || '').replace(/_/g, ' ') },
                  { header: 'Current ETA', hash: 'eta', render: (line) => eta(line.eta) },
                  { header: 'First promised', hash: 'promised', render: (line) => date(line.first_promised_on) },
                  { header: 'Ordered', hash: 'placed', render: (line) => date(line.placed_at) },
                ]}
                items={data.lines}
                keyField="line_id"
                itemName="lines"
                emptyComponent={<Empty>Nobody is waiting for this variant.</Empty>}
              />
            </>
          )}
        </Loaded>
      </Section>
      <Section title="Inbound">
        <Loaded state={inbound}>
          {(data) => (
            <Table
              columns={[
                { header: 'Quantity', hash: 'quantity', align: 'right', render: (item) => number(item.quantity) },
                { header: 'Expected on', hash: 'expected', render: (item) => date(item.expected_on) },
                { header: 'Received', hash: 'received', render: (item) => {
                  if (item.received_on) return `${number(item.quantity_received)} on ${date(item.received_on)}`;
                  return item.quantity_received ? `${number(item.quantity_received)} so far` : 'Not yet';
                } },
                {
                  header: 'Actions', hash: 'actions', hideHeader: true,
                  render: (item) => (item.received_on ? null : (
                    <Flex flexGap="0.5rem">
                      <Button variant="secondary" onClick={() => setDialog({ kind: 'inbound', inbound: item })} aria-label={`Edit inbound of ${item.quantity} expected ${date(item.expected_on)}`}>Edit</Button>
                      <Button variant="subtle" actionType="destructive" onClick={() => setDialog({ kind: 'delete', inbound: item })} aria-label={`Delete inbound of ${item.quantity} expected ${date(item.expected_on)}`}>Delete</Button>
                    </Flex>
                  )),
                },
              ]}
              items={data.items}
              keyField="id"
              itemName="inbound shipments"
              emptyComponent={<Empty>No inbound recorded. Add one so shoppers get an honest ship date.</Empty>}
            />
          )}
        </Loaded>
      </Section>
      {dialog && dialog.kind === 'receive' ? (
        <ReceiveModal title="Receive stock" previewPath={`/variants/${variantId}/receipts/preview`} receivePath={`/variants/${variantId}/receipts`}
          fields={receiveFields(inboundItems)} onClose={() => setDialog(null)}
          onDone={(receipt) => done(`Stock received: ${number((receipt.allocated || []).length)} lines allocated.`)} />
      ) : null}
      {dialog && dialog.kind === 'inbound' ? (
        <InboundModal variantId={variantId} inbound={dialog.inbound} onClose={() => setDialog(null)} onDone={() => done('Inbound saved.')} />
      ) : null}
      {dialog && dialog.kind === 'delete' ? (
        <DeleteInbound variantId={variantId} inbound={dialog.inbound} onClose={() => setDialog(null)} onDone={() => done('Inbound deleted.')} />
      ) : null}
    </Page>
  );
}

export default function Backorders({ parts, params }) {
  return parts[0] ? <VariantDetail variantId={parts[0]} /> : <VariantList params={params} />;
}
