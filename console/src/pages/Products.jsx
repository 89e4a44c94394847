// Products: search the catalog mirror and edit one variant or a selection at once (bulk PATCH
// /variants): backorders on or off, limit, lead time, the shoppers' message, the reason for the
// wait, the supplier, and curated alternatives picked by search. Only the fields ticked "change"
// are sent. Each variant's demand forecast opens as a chart with its table.
import { lazy, Suspense, useState } from 'react';
import { Badge, Box, Button, Checkbox, Flex, FormGroup, Input, Message, Modal, Select, Text, Textarea } from '@bigcommerce/big-design';
import { api, get, query } from '../api.js';
import { money, number } from '../format.js';
import { navigate } from '../router.js';
import { Empty, fieldError, Loading, Page, SearchBox, Section, useBusy, useLoad } from '../ui.jsx';
import { PagedTable } from '../tables.jsx';
import { VariantFinder } from '../variants.jsx';

// The forecast chart brings the chart library: loaded when a forecast is first opened.
const VariantForecast = lazy(() => import('../forecast.jsx'));

const PER_PAGE = 25;
export const REASONS = [
  { value: 'unexpected_demand', content: 'Unexpected demand' },
  { value: 'supplier_delay', content: 'Supplier delay' },
  { value: 'production_issue', content: 'Production issue' },
  { value: 'new_release', content: 'New release' },
  { value: 'other', content: 'Other (write your own)' },
];
// A coded reason shows its label; "other" (or a reason given as text only) the merchant's words.
const reasonText = (variant) => {
  const known = REASONS.find((each) => each.value === variant.reason_code && each.value !== 'other');
  return known ? known.content : variant.reason || '—';
};

function AlternativePicker({ chosen, onChange }) {
  return (
    <Box>
      <Text bold marginBottom="xSmall">Alternatives</Text>
      {chosen.length ? (
        <Flex flexGap="0.5rem" flexWrap="wrap" marginBottom="small">
          {chosen.map((each) => (
            <Button key={each.variant_id} variant="secondary" onClick={() => onChange(chosen.filter((other) => other !== each))}
              aria-label={`Remove alternative ${each.name || each.variant_id}`}>{each.name || each.variant_id} ×</Button>
          ))}
        </Flex>
      ) : <Text color="secondary60">None: shoppers are offered no alternative.</Text>}
      <VariantFinder label="Find an alternative by SKU or name" placeholder="Find an alternative by SKU or name"
        pickLabel={(variant) => `Add ${variant.name} as an alternative`} exclude={chosen.map((each) => each.variant_id)}
        onPick={(variant) => onChange([...chosen, variant])} />
    </Box>
  );
}

function ForecastModal({ variant, onClose }) {
  return (
    <Modal isOpen header={`Demand forecast: ${variant.name}`} onClose={onClose} closeOnEscKey
      actions={[{ text: 'Close', variant: 'subtle', onClick: onClose }]}>
      <Suspense fallback={<Loading />}><VariantForecast variantId={variant.variant_id} name={variant.name} /></Suspense>
    </Modal>
  );
}

function BulkEdit({ variants, suppliers, onClose, onDone }) {
  const first = variants[0];
  const [change, setChange] = useState({});
  const [values, setValues] = useState({
    backorders_enabled: first.backorders_enabled ? 'on' : 'off',
    backorder_limit: first.backorder_limit ?? '',
    lead_time_days: first.lead_time_days ?? '',
    supplier_id: first.supplier_id ?? '',
    message: first.message || '',
    reason_code: first.reason_code || '',
    reason_text: first.reason_code === 'other' ? first.reason || '' : '',
    // The variant's own alternatives when editing one (by id: the catalog search fills in names).
    alternatives: variants.length === 1 ? (first.alternatives || []).map((id) => ({ variant_id: id, name: `Variant ${id}` })) : [],
  });
  const { busy, error, run } = useBusy();
  const set = (name, value) => setValues((previous) => ({ ...previous, [name]: value }));
  const toggle = (name) => (event) => setChange((previous) => ({ ...previous, [name]: event.target.checked }));
  const orNull = (text) => (text === '' ? null : Number(text));
  const save = async () => {
    const fields = {};
    if (change.backorders_enabled) fields.backorders_enabled = values.backorders_enabled === 'on';
    if (change.backorder_limit) fields.backorder_limit = orNull(values.backorder_limit);
    if (change.lead_time_days) fields.lead_time_days = orNull(values.lead_time_days);
    if (change.supplier_id) fields.supplier_id = orNull(values.supplier_id);
    if (change.message) fields.message = values.message;
    if (change.reason) {
      fields.reason = values.reason_code;
      if (values.reason_code === 'other') fields.reason_text = values.reason_text;
    }
    if (change.alternatives) fields.alternatives = values.alternatives.map((each) => each.variant_id);
    await run(async () => {
      await api('PATCH', '/variants', { body: { variant_ids: variants.map((each) => each.variant_id), changes: fields } });
      onDone(variants.length);
    });
  };
  const err = (name) => fieldError(error && error.fields && error.fields.changes ? { fields: error.fields.changes } : error, name);
  const nothing = !Object.values(change).some(Boolean);
  const heading = variants.length === 1 ? `Edit ${first.name}` : `Edit ${variants.length} variants`;
  return (
    <Modal isOpen header={heading} onClose={onClose} closeOnEscKey closeOnClickOutside={false}
      actions={[{ text: 'Cancel', variant: 'subtle', onClick: onClose }, { text: 'Save changes', onClick: save, isLoading: busy, disabled: nothing }]}>
      <Text color="secondary60">Tick what to change; everything else stays as it is on each variant.</Text>
      {error && error.status !== 422 ? <Message type="error" messages={[{ text: error.message }]} marginBottom="medium" /> : null}
      <FormGroup><Checkbox label="Change backorders on or off" checked={!!change.backorders_enabled} onChange={toggle('backorders_enabled')} /></FormGroup>
      {change.backorders_enabled ? (
        <FormGroup>
          <Select label="Backorders" value={values.backorders_enabled} onOptionChange={(value) => set('backorders_enabled', value)}
            options={[{ value: 'on', content: 'On: take orders when out of stock' }, { value: 'off', content: 'Off: sold out when out of stock' }]} />
        </FormGroup>
      ) : null}
      <FormGroup><Checkbox label="Change backorder limit" checked={!!change.backorder_limit} onChange={toggle('backorder_limit')} /></FormGroup>
      {change.backorder_limit ? (
        <FormGroup>
          <Input label="Backorder limit" description="Units that may be sold beyond stock. Empty: no limit." type="number" min={0}
            value={values.backorder_limit} error={err('backorder_limit')} onChange={(event) => set('backorder_limit', event.target.value)} />
        </FormGroup>
      ) : null}
      <FormGroup><Checkbox label="Change lead time" checked={!!change.lead_time_days} onChange={toggle('lead_time_days')} /></FormGroup>
      {change.lead_time_days ? (
        <FormGroup>
          <Input label="Lead time (days)" description="Used for the ship date when no inbound is recorded. Empty: unknown." type="number" min={0}
            value={values.lead_time_days} error={err('lead_time_days')} onChange={(event) => set('lead_time_days', event.target.value)} />
        </FormGroup>
      ) : null}
      <FormGroup><Checkbox label="Change supplier" checked={!!change.supplier_id} onChange={toggle('supplier_id')} /></FormGroup>
      {change.supplier_id ? (
        <FormGroup>
          <Select label="Supplier" description="Whose lead time and order quantities reorder suggestions use." value={values.supplier_id}
            error={err('supplier_id')} onOptionChange={(value) => set('supplier_id', value)}
            options={[{ value: '', content: 'No supplier' }, ...suppliers.map((supplier) => ({ value: supplier.id, content: supplier.name }))]} />
        </FormGroup>
      ) : null}
      <FormGroup><Checkbox label="Change the message shoppers see" checked={!!change.message} onChange={toggle('message')} /></FormGroup>
      {change.message ? (
        <FormGroup>
          <Textarea label="Message" rows={2} value={values.message} error={err('message')} onChange={(event) => set('message', event.target.value)} />
        </FormGroup>
      ) : null}
      <FormGroup><Checkbox label="Change the reason for the wait" checked={!!change.reason} onChange={toggle('reason')} /></FormGroup>
      {change.reason ? (
        <>
          <FormGroup>
            <Select label="Reason" value={values.reason_code} error={err('reason')} onOptionChange={(value) => set('reason_code', value)}
              options={[{ value: '', content: 'No reason shown' }, ...REASONS]} />
          </FormGroup>
          {values.reason_code === 'other' ? (
            <FormGroup>
              <Input label="Reason shown to shoppers" required value={values.reason_text} error={err('reason_text')} onChange={(event) => set('reason_text', event.target.value)} />
            </FormGroup>
          ) : null}
        </>
      ) : null}
      <FormGroup><Checkbox label="Change alternatives" checked={!!change.alternatives} onChange={toggle('alternatives')} /></FormGroup>
      {change.alternatives ? (
        <FormGroup>
          <AlternativePicker chosen={values.alternatives} onChange={(next) => set('alternatives', next)} />
          {err('alternatives') ? <Text color="danger">{err('alternatives')}</Text> : null}
        </FormGroup>
      ) : null}
    </Modal>
  );
}

export default function Products({ params }) {
  const search = params.search || '';
  const page = Number(params.page || 1);
  const [selected, setSelected] = useState([]);
  const [editing, setEditing] = useState(null);
  const [forecasting, setForecasting] = useState(null);
  const [notice, setNotice] = useState(null);
  const state = useLoad(() => get(`/variants${query({ search, page, per_page: PER_PAGE })}`), [search, page]);
  const supplierList = useLoad(() => get('/suppliers'), []);
  const suppliers = supplierList.data ? supplierList.data.items : [];
  const supplierName = (variant) => (suppliers.find((each) => each.id === variant.supplier_id) || {}).name || '—';
  const go = (changes) => { setSelected([]); navigate('/products', { search, page, ...changes }); };
  const columns = [
    { header: 'SKU', hash: 'sku', render: (variant) => variant.sku },
    { header: 'Name', hash: 'name', render: (variant) => variant.name },
    { header: 'Price', hash: 'price', align: 'right', render: (variant) => money(variant.price, variant.currency) },
    { header: 'On hand', hash: 'on_hand', align: 'right', render: (variant) => number(variant.on_hand) },
    { header: 'Backorders', hash: 'backorders', render: (variant) => <Badge variant={variant.backorders_enabled ? 'success' : 'secondary'} label={variant.backorders_enabled ? 'on' : 'off'} /> },
    { header: 'Limit', hash: 'limit', align: 'right', render: (variant) => (variant.backorder_limit == null ? 'No limit' : number(variant.backorder_limit)) },
    { header: 'Lead time', hash: 'lead', align: 'right', render: (variant) => (variant.lead_time_days == null ? '—' : `${number(variant.lead_time_days)} d`) },
    { header: 'Supplier', hash: 'supplier', render: supplierName },
    { header: 'Reason', hash: 'reason', render: reasonText },
    {
      header: 'Actions', hash: 'actions', hideHeader: true,
      render: (variant) => (
        <Flex flexGap="0.25rem">
          <Button variant="subtle" onClick={() => setForecasting(variant)} aria-label={`Forecast of ${variant.name}`}>Forecast</Button>
          <Button variant="subtle" onClick={() => setEditing([variant])} aria-label={`Edit ${variant.name}`}>Edit</Button>
        </Flex>
      ),
    },
  ];
  return (
    <Page title="Products" actions={[
      <Button key="bulk" disabled={!selected.length} onClick={() => setEditing(selected)}>{selected.length ? `Edit ${selected.length} selected` : 'Edit selected'}</Button>,
    ]}>
      {notice ? <Message type="success" messages={[{ text: notice }]} marginBottom="medium" onClose={() => setNotice(null)} /> : null}
      <Section title="Catalog">
        <Box marginBottom="medium">
          <SearchBox initial={search} label="Search products by SKU or name" onSearch={(typed) => go({ search: typed, page: 1 })} />
        </Box>
        <PagedTable
          state={state}
          page={page}
          perPage={PER_PAGE}
          onPage={(next) => go({ page: next })}
          columns={columns}
          keyField="variant_id"
          itemName="variants"
          selectable={{ selectedItems: selected, onSelectionChange: setSelected }}
          emptyComponent={<Empty>{search ? `No variant matches “${search}”.` : 'The catalog is empty.'}</Empty>}
        />
      </Section>
      {editing ? (
        <BulkEdit variants={editing} suppliers={suppliers} onClose={() => setEditing(null)}
          onDone={(count) => { setEditing(null); setSelected([]); setNotice(`${number(count)} ${count === 1 ? 'variant' : 'variants'} updated.`); state.reload(); }} />
      ) : null}
      {forecasting ? <ForecastModal variant={forecasting} onClose={() => setForecasting(null)} /> : null}
    </Page>
  );
}
