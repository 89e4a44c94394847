// Activity: the audit log of every change made through the console or the admin API (who, what,
// when), newest first, a page at a time.
import { Table, Text } from '@bigcommerce/big-design';
import { get, query } from '../api.js';
import { dateTime } from '../format.js';
import { navigate } from '../router.js';
import { Empty, Pager, Loaded, Page, Section, useLoad } from '../ui.jsx';

const PER_PAGE = 50;

function Changes({ entry }) {
  const changes = entry.changes;
  if (!changes || typeof changes !== 'object' || !Object.keys(changes).length) return '—';
  return (
    <Text as="span" marginBottom="none" style={{ wordBreak: 'break-word' }}>
      {Object.entries(changes).map(([field, value]) => `${field}: ${typeof value === 'object' ? JSON.stringify(value) : value}`).join('; ')}
    </Text>
  );
}

export default function Activity({ params }) {
  const page = Number(params.page || 1);
  const state = useLoad(() => get(`/audit${query({ page, per_page: PER_PAGE })}`), [page]);
  return (
    <Page title="Activity">
      <Section title="Changes made through the console and the admin API">
        <Loaded state={state}>
          {(data) => (
            <>
            <Table
              columns={[
                { header: 'When', hash: 'when', render: (entry) => dateTime(entry.created_at || entry.at) },
                { header: 'Who', hash: 'who', render: (entry) => entry.actor || entry.who },
                { header: 'What', hash: 'what', render: (entry) => entry.summary || entry.action },
                { header: 'Details', hash: 'details', render: (entry) => <Changes entry={entry} /> },
              ]}
              items={data.items}
              keyField="id"
              itemName="changes"
              emptyComponent={<Empty>No change has been made yet.</Empty>}
            />
            <Pager page={page} perPage={PER_PAGE} total={data.total} onPage={(next) => navigate('/activity', { page: next })} />
          </>
          )}
        </Loaded>
      </Section>
    </Page>
  );
}
