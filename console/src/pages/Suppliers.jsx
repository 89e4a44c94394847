// Suppliers: who the store buys from (GET|POST /suppliers, PATCH|DELETE /suppliers/<id>): lead
// time and order quantities for reorder suggestions, and whether the daily job drafts (and sends)
// purchase orders for them. Imported from CSV like purchase orders (checked first, then saved).
import { useState } from 'react';
import { Badge, Button, Checkbox, Form, FormGroup, Input, Message, Modal, Table, Text } from '@bigcommerce/big-design';
import { api, get } from '../api.js';
import { days, number } from '../format.js';
import { ImportCsv } from '../imports.jsx';
import { Empty, fieldError, Loaded, Page, Section, useBusy, useLoad } from '../ui.jsx';

const NEW_SUPPLIER = { name: '', email: '', lead_time_days: '14', minimum_order_quantity: '1', pack_size: '1', auto_reorder: false, auto_send: false };
const yesNo = (on) => <Badge variant={on ? 'success' : 'secondary'} label={on ? 'on' : 'off'} />;

function SupplierForm({ supplier, onClose, onDone }) {
  const [values, setValues] = useState(() => (supplier
    ? { ...supplier, lead_time_days: String(supplier.lead_time_days), minimum_order_quantity: String(supplier.minimum_order_quantity), pack_size: String(supplier.pack_size) }
    : NEW_SUPPLIER));
  const { busy, error, run } = useBusy();
  const set = (name, value) => setValues((previous) => ({ ...previous, [name]: value }));
  const whole = (text) => (text === '' ? null : Number(text));
  const save = () => run(async () => {
    const body = {
      name: values.name, email: values.email, lead_time_days: whole(values.lead_time_days),
      minimum_order_quantity: whole(values.minimum_order_quantity), pack_size: whole(values.pack_size),
      auto_reorder: values.auto_reorder, auto_send: values.auto_reorder && values.auto_send,
    };
    onDone(await (supplier ? api('PATCH', `/suppliers/${supplier.id}`, { body }) : api('POST', '/suppliers', { body })));
  });
  const count = (name, label, description) => (
    <FormGroup>
      <Input label={label} description={description} type="number" min={name === 'lead_time_days' ? 0 : 1} required value={values[name]}
        error={fieldError(error, name)} onChange={(event) => set(name, event.target.value)} />
    </FormGroup>
  );
  return (
    <Modal isOpen header={supplier ? `Edit ${supplier.name}` : 'New supplier'} onClose={onClose} closeOnEscKey closeOnClickOutside={false}
      actions={[{ text: 'Cancel', variant: 'subtle', onClick: onClose }, { text: supplier ? 'Save supplier' : 'Create supplier', onClick: save, isLoading: busy }]}>
      <Form onSubmit={(event) => { event.preventDefault(); save(); }}>
        {error && error.status !== 422 ? <Message type="error" messages={[{ text: error.message }]} marginBottom="medium" /> : null}
        <FormGroup><Input label="Name" required value={values.name} error={fieldError(error, 'name')} onChange={(event) => set('name', event.target.value)} /></FormGroup>
        <FormGroup>
          <Input label="Email" type="email" description="Where approved purchase orders are sent." value={values.email}
            error={fieldError(error, 'email')} onChange={(event) => set('email', event.target.value)} />
        </FormGroup>
        {count('lead_time_days', 'Lead time (days)', 'From sending an order to the goods arriving.')}
        {count('minimum_order_quantity', 'Minimum order quantity', 'Suggested quantities are at least this.')}
        {count('pack_size', 'Pack size', 'Suggested quantities are rounded up to whole packs.')}
        <FormGroup>
          <Checkbox label="Reorder automatically: the daily job drafts a purchase order when its items reach their reorder point"
            checked={!!values.auto_reorder} onChange={(event) => set('auto_reorder', event.target.checked)} />
        </FormGroup>
        <FormGroup>
          <Checkbox label="Send automatically: the job approves and emails its drafts without review" disabled={!values.auto_reorder}
            checked={!!values.auto_reorder && !!values.auto_send} onChange={(event) => set('auto_send', event.target.checked)} />
        </FormGroup>
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
    </Modal>
  );
}

function DeleteSupplier({ supplier, onClose, onDone }) {
  const { busy, error, run } = useBusy();
  const remove = () => run(async () => { await api('DELETE', `/suppliers/${supplier.id}`); onDone(); });
  return (
    <Modal isOpen variant="dialog" header={`Delete ${supplier.name}?`} onClose={onClose} closeOnEscKey
      actions={[{ text: 'Keep it', variant: 'subtle', onClick: onClose }, { text: 'Delete supplier', actionType: 'destructive', onClick: remove, isLoading: busy }]}>
      <Text>Its variants and purchase orders stay, without a supplier: they are no longer reordered automatically.</Text>
      {error ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
    </Modal>
  );
}

export default function Suppliers() {
  const state = useLoad(() => get('/suppliers'), []);
  const [dialog, setDialog] = useState(null); // 'new', 'import', or { edit } / { remove } with a supplier
  const [notice, setNotice] = useState(null);
  const done = (text) => { setDialog(null); setNotice(text); state.reload(); };
  const columns = [
    { header: 'Name', hash: 'name', render: (supplier) => supplier.name },
    { header: 'Email', hash: 'email', render: (supplier) => supplier.email || '—' },
    { header: 'Lead time', hash: 'lead', align: 'right', render: (supplier) => days(supplier.lead_time_days) },
    { header: 'Minimum order', hash: 'moq', align: 'right', render: (supplier) => number(supplier.minimum_order_quantity) },
    { header: 'Pack size', hash: 'pack', align: 'right', render: (supplier) => number(supplier.pack_size) },
    { header: 'Auto reorder', hash: 'auto_reorder', render: (supplier) => yesNo(supplier.auto_reorder) },
    { header: 'Auto send', hash: 'auto_send', render: (supplier) => yesNo(supplier.auto_send) },
    {
      header: 'Actions', hash: 'actions', hideHeader: true,
      render: (supplier) => (
        <>
          <Button variant="subtle" onClick={() => setDialog({ edit: supplier })} aria-label={`Edit ${supplier.name}`}>Edit</Button>
          <Button variant="subtle" actionType="destructive" onClick={() => setDialog({ remove: supplier })} aria-label={`Delete ${supplier.name}`}>Delete</Button>
        </>
      ),
    },
  ];
  return (
    <Page title="Suppliers" actions={[
      <Button key="new" onClick={() => setDialog('new')}>New supplier</Button>,
      <Button key="import" variant="secondary" onClick={() => setDialog('import')}>Import CSV</Button>,
    ]}>
      {notice ? <Message type="success" messages={[{ text: notice }]} marginBottom="medium" onClose={() => setNotice(null)} /> : null}
      <Section title="All suppliers">
        <Loaded state={state}>
          {(data) => (
            <Table aria-label="Suppliers" columns={columns} items={data.items} keyField="id" itemName="suppliers"
              emptyComponent={<Empty>No suppliers yet. Create one or import a CSV file, then choose each variant’s supplier on the Products page.</Empty>} />
          )}
        </Loaded>
      </Section>
      {dialog === 'new' ? <SupplierForm onClose={() => setDialog(null)} onDone={(supplier) => done(`Supplier ${supplier.name} created.`)} /> : null}
      {dialog && dialog.edit ? <SupplierForm supplier={dialog.edit} onClose={() => setDialog(null)} onDone={(supplier) => done(`Supplier ${supplier.name} saved.`)} /> : null}
      {dialog && dialog.remove ? <DeleteSupplier supplier={dialog.remove} onClose={() => setDialog(null)} onDone={() => done(`Supplier ${dialog.remove.name} deleted.`)} /> : null}
      {dialog === 'import' ? (
        <ImportCsv title="Import suppliers from CSV" path="/suppliers/import" onClose={() => setDialog(null)}
          columns={<>Columns: <code>name, email, lead_time_days, minimum_order_quantity, pack_size, auto_reorder, auto_send</code>. A row whose name matches a supplier updates it.</>}
          describe={(check) => {
            const created = check.suppliers.filter((each) => each.action === 'create').length;
            const updated = check.suppliers.length - created;
            return `${number(created)} new ${created === 1 ? 'supplier' : 'suppliers'}, ${number(updated)} updated.`;
          }}
          onDone={(result) => done(`Imported ${number(result.suppliers.length)} suppliers.`)} />
      ) : null}
    </Page>
  );
}
