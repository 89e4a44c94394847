// Messages: the notification outbox (filter by status, retry a failed message) and a preview of
// every message template in every language and channel, with sample data.
import { useState } from 'react';
import { Badge, Box, Button, Flex, Message, Select, Text } from '@bigcommerce/big-design';
import { api, get, query } from '../api.js';
import { dateTime, number } from '../format.js';
import { navigate } from '../router.js';
import { Empty, Loaded, Page, Section, useLoad } from '../ui.jsx';
import { PagedTable } from '../tables.jsx';

const STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'];
const BADGE = { pending: 'secondary', sending: 'primary', sent: 'success', failed: 'danger', skipped: 'warning' };
const PER_PAGE = 25;

export const statusBadge = (status, variants = BADGE) => <Badge variant={variants[status] || 'secondary'} label={status.replace(/_/g, ' ')} />;

function Outbox({ params }) {
  const status = params.status || '';
  const page = Number(params.page || 1);
  const state = useLoad(() => get(`/outbox${query({ status, page, per_page: PER_PAGE })}`), [status, page]);
  const [notice, setNotice] = useState(null);
  const retry = async (message) => {
    setNotice(null);
    try {
      await api('POST', `/outbox/${message.id}/retry`);
      setNotice({ type: 'success', text: `Message ${message.id} will be sent again.` });
      state.reload();
    } catch (failure) {
      setNotice({ type: 'error', text: failure.message });
    }
  };
  const columns = [
    { header: 'Event', hash: 'event', render: (message) => message.event.replace(/_/g, ' ') },
    { header: 'Recipient', hash: 'recipient', render: (message) => message.recipient || '—' },
    { header: 'Channel', hash: 'channel', render: (message) => (message.channels || []).map((c) => (c === 'sms' ? 'SMS' : 'Email')).join(', ') || '—' },
    { header: 'Order', hash: 'order', render: (message) => message.order_id ?? '—' },
    { header: 'Status', hash: 'status', render: (message) => statusBadge(message.status) },
    { header: 'Attempts', hash: 'attempts', align: 'right', render: (message) => number(message.attempts) },
    { header: 'Last error', hash: 'error', render: (message) => message.last_error || '—' },
    { header: 'Created', hash: 'created', render: (message) => dateTime(message.created_at) },
    {
      header: 'Actions', hash: 'actions', hideHeader: true,
      render: (message) => (['failed', 'skipped'].includes(message.status)
        ? <Button variant="secondary" onClick={() => retry(message)} aria-label={`Retry message ${message.id}`}>Retry</Button> : null),
    },
  ];
  return (
    <Section title="Outbox">
      <Box marginBottom="medium" style={{ maxWidth: 280 }}>
        <Select label="Status" value={status} onOptionChange={(value) => navigate('/messages', { status: value })}
          options={[{ value: '', content: 'All' }, ...STATUSES.map((each) => ({ value: each, content: each }))]} />
      </Box>
      {notice ? <Message type={notice.type} messages={[{ text: notice.text }]} marginBottom="medium" /> : null}
      <PagedTable
        state={state}
        page={page}
        perPage={PER_PAGE}
        onPage={(next) => navigate('/messages', { status, page: next })}
        columns={columns}
        itemName="messages"
        emptyComponent={<Empty>No messages{status ? ` with status ${status}` : ''}.</Empty>}
      />
    </Section>
  );
}

function Preview({ event, locales, channels }) {
  const [locale, setLocale] = useState(locales[0]);
  const [channel, setChannel] = useState(channels[0]);
  const state = useLoad(() => get(`/message-templates/${encodeURIComponent(event)}/preview${query({ locale, channel })}`), [event, locale, channel]);
  return (
    <Box>
      <Flex flexGap="1rem" marginBottom="medium" flexWrap="wrap">
        <Select label="Language" value={locale} onOptionChange={setLocale} options={locales.map((each) => ({ value: each, content: each }))} />
        <Select label="Channel" value={channel} onOptionChange={setChannel} options={channels.map((each) => ({ value: each, content: each }))} />
      </Flex>
      <Loaded state={state}>
        {(preview) => (
          <Box border="box" borderRadius="normal" padding="medium">
            {preview.subject ? <Text bold>Subject: {preview.subject}</Text> : null}
            {preview.html ? (
              // The email as the shopper sees it: sandboxed, so nothing in it runs.
              <iframe sandbox="" srcDoc={preview.html} title={`Preview: ${preview.subject}`} style={{ width: '100%', height: 480, border: 0 }} />
            ) : null}
            {preview.html ? (
              <details>
                <summary>Plain-text part</summary>
                <Box as="pre" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit' }}>{preview.text}</Box>
              </details>
            ) : <Box as="pre" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: 0 }}>{preview.text}</Box>}
          </Box>
        )}
      </Loaded>
    </Box>
  );
}

function Templates() {
  const state = useLoad(() => get('/message-templates'), []);
  const [event, setEvent] = useState(null);
  return (
    <Section title="Message templates" description="Every message the app sends, in every language, with sample data.">
      <Loaded state={state}>
        {(data) => {
          const templates = data.items || [];
          const chosen = templates.find((each) => each.event === event) || templates[0];
          if (!chosen) return <Empty>No templates.</Empty>;
          return (
            <Box>
              <Box marginBottom="medium" style={{ maxWidth: 360 }}>
                <Select label="Message" value={chosen.event} onOptionChange={setEvent}
                  options={templates.map((each) => ({ value: each.event, content: each.event.replace(/_/g, ' ') }))} />
              </Box>
              <Preview key={chosen.event} event={chosen.event} locales={chosen.locales} channels={chosen.channels} />
            </Box>
          );
        }}
      </Loaded>
    </Section>
  );
}

export default function Messages({ params }) {
  return (
    <Page title="Messages">
      <Outbox params={params} />
      <Templates />
    </Page>
  );
}
