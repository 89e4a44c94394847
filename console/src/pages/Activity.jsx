// Activity: the audit log of every change made through the console or the admin API (who, what,
// when), newest first, a page at a time.
import { Text } from '@bigcommerce/big-design';
import { get, query } from '../api.js';
import { dateTime } from '../format.js';
import { navigate } from '../router.js';
import { Empty, Page, Section, useLoad } from '../ui.jsx';
import { PagedTable } from '../tables.jsx';

const PER_PAGE = 50;
const PREFIX = '/api/v1/admin';
// What a change did, in words, by the route's pattern; other routes show their method and path.
const ACTIONS = [
  [/^PATCH \/settings$/, 'Changed settings'],
  [/^PATCH \/variants$/, 'Edited products in bulk'],
  [/^(PATCH|PUT) \/variants\/<int:variant_id>$/, 'Edited a product'],
  [/^POST \/variants\/<int:variant_id>\/inbound$/, 'Added inbound'],
  [/^PATCH \/variants\/<int:variant_id>\/inbound\/<int:inbound_id>$/, 'Changed inbound'],
  [/^DELETE \/variants\/<int:variant_id>\/inbound\/<int:inbound_id>$/, 'Deleted inbound'],
  [/^POST \/variants\/<int:variant_id>\/receipts$/, 'Received stock'],
  [/^POST \/purchase-orders$/, 'Created a purchase order'],
  [/^POST \/purchase-orders\/import$/, 'Imported purchase orders'],
  [/^PATCH \/purchase-orders\/<int:\w+>$/, 'Changed a purchase order'],
  [/^POST \/purchase-orders\/<int:\w+>\/cancel$/, 'Cancelled a purchase order'],
  [/^POST \/purchase-orders\/<int:\w+>\/receipts$/, 'Received a purchase order'],
  [/^POST \/outbox\/<int:message_id>\/retry$/, 'Retried a message'],
];

function describe(entry) {
  const route = `${entry.method} ${(entry.route || '').replace(PREFIX, '')}`;
  const known = ACTIONS.find(([pattern]) => pattern.test(route));
  return known ? known[1] : `${entry.method} ${(entry.path || '').replace(PREFIX, '')}`;
}

const shown = (value) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value));

function Details({ entry }) {
  const parts = [
    ...Object.entries(entry.target || {}).map(([name, value]) => `${name} ${value}`),
    ...Object.entries(entry.summary || {}).map(([name, value]) => `${name}: ${shown(value)}`),
  ];
  return parts.length ? <Text as="span" marginBottom="none" style={{ wordBreak: 'break-word' }}>{parts.join('; ')}</Text> : '—';
}

export default function Activity({ params }) {
  const page = Number(params.page || 1);
  const state = useLoad(() => get(`/audit${query({ page, per_page: PER_PAGE })}`), [page]);
  return (
    <Page title="Activity">
      <Section title="Changes made through the console and the admin API">
        <PagedTable
          state={state}
          page={page}
          perPage={PER_PAGE}
          onPage={(next) => navigate('/activity', { page: next })}
          columns={[
            { header: 'When', hash: 'when', render: (entry) => dateTime(entry.created_at) },
            { header: 'Who', hash: 'who', render: (entry) => entry.actor },
            { header: 'What', hash: 'what', render: describe },
            { header: 'Details', hash: 'details', render: (entry) => <Details entry={entry} /> },
          ]}
          keyField="id"
          itemName="changes"
          emptyComponent={<Empty>No change has been made yet.</Empty>}
        />
      </Section>
    </Page>
  );
}
