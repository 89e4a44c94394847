// Settings: the store's backorder rules (GET|PATCH /settings, field errors inline) and how the app
// is wired into the store (GET /integration: storefront script, manual snippet, webhook health),
// and the service level that reorder suggestions keep safety stock for.
import { useState } from 'react';
import { Badge, Box, Button, Checkbox, Flex, Form, FormGroup, Input, Message, Select, Small, Text, Textarea } from '@bigcommerce/big-design';
import { api, get } from '../api.js';
import { dateTime, number } from '../format.js';
import { fieldError, Loaded, Page, Section, useLoad } from '../ui.jsx';

const integer = (text) => (text === '' ? null : Number(text));

function SettingsForm({ initial }) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (name) => (value) => { setSaved(false); setValues((previous) => ({ ...previous, [name]: value })); };
  const incentive = values.delay_incentive || {};
  const setIncentive = (name) => (value) => set('delay_incentive')({ ...incentive, [name]: value });
  const quiet = values.sms_quiet_hours;

  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const { store_hash, platform, ...changes } = values; // eslint-disable-line no-unused-vars
    try {
      setValues(await api('PATCH', '/settings', { body: changes }));
      setSaved(true);
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  const err = (name) => fieldError(error, name);
  const nested = (name, key) => {
    const value = error && error.fields && error.fields[name];
    return value && !Array.isArray(value) && value[key] ? [].concat(value[key]).join(' ') : undefined;
  };
  const text = (name, label, props = {}) => (
    <FormGroup>
      <Input label={label} value={values[name] ?? ''} error={err(name)} onChange={(event) => set(name)(event.target.value)} {...props} />
    </FormGroup>
  );
  const count = (name, label, description) => (
    <FormGroup>
      <Input label={label} description={description} type="number" value={values[name] ?? ''} error={err(name)}
        onChange={(event) => set(name)(integer(event.target.value))} />
    </FormGroup>
  );
  const channels = values.notification_channels || [];
  const toggleChannel = (channel) => set('notification_channels')(
    channels.includes(channel) ? channels.filter((each) => each !== channel) : [...channels, channel]);

  return (
    <Form onSubmit={save} fullWidth>
      {error && error.status !== 422 ? <Message type="error" messages={[{ text: error.message }]} marginBottom="medium" /> : null}
      {error && error.status === 422 ? <Message type="error" messages={[{ text: 'Some fields need attention; see below.' }]} marginBottom="medium" /> : null}
      {saved ? <Message type="success" messages={[{ text: 'Settings saved.' }]} marginBottom="medium" /> : null}
      <Section title="Store">
        {text('name', 'Store name')}
        {text('merchant_email', 'Merchant email', { type: 'email', description: 'Where the app writes to you about failures.' })}
      </Section>
      <Section title="Shopper actions">
        {count('cancel_window_days', 'Cancel window (days)', 'How long after ordering shoppers may cancel a backordered item. Empty: any time.')}
        <FormGroup><Checkbox label="Shoppers may cancel items already allocated" checked={!!values.cancel_allocated} onChange={(event) => set('cancel_allocated')(event.target.checked)} /></FormGroup>
        <FormGroup><Checkbox label="Offer “pay when ready”" checked={!!values.pay_later_enabled} onChange={(event) => set('pay_later_enabled')(event.target.checked)} /></FormGroup>
        {count('payment_hold_days', 'Payment hold (days)', 'How long allocated stock waits for a pay-later shopper to pay.')}
        {count('handling_days', 'Handling time (days)', 'Added to every ship date.')}
        <FormGroup>
          <Select label="Switching to a dearer item" value={values.dearer_switch} error={err('dearer_switch')}
            options={[{ value: 'pay_difference', content: 'The shopper pays the difference' }, { value: 'refuse', content: 'Not allowed' }]}
            onOptionChange={set('dearer_switch')} />
        </FormGroup>
      </Section>
      <Section title="Delay incentive">
        <FormGroup><Checkbox label="Offer an incentive when a ship date slips" checked={!!incentive.enabled} onChange={(event) => setIncentive('enabled')(event.target.checked)} /></FormGroup>
        <FormGroup>
          <Input label="After a delay of (days)" type="number" value={incentive.threshold_days ?? ''} error={nested('delay_incentive', 'threshold_days')}
            onChange={(event) => setIncentive('threshold_days')(integer(event.target.value))} />
        </FormGroup>
        <FormGroup>
          <Select label="Incentive" value={incentive.kind} options={[{ value: 'discount', content: 'A discount on the next order' }, { value: 'free_shipping', content: 'Free shipping' }]}
            onOptionChange={setIncentive('kind')} />
        </FormGroup>
        <FormGroup>
          <Input label="Percent off" type="number" value={incentive.percent_off ?? ''} error={nested('delay_incentive', 'percent_off')}
            onChange={(event) => setIncentive('percent_off')(integer(event.target.value))} />
        </FormGroup>
      </Section>
      <Section title="Notifications">
        <FormGroup><Checkbox label="Email" checked={channels.includes('email')} onChange={() => toggleChannel('email')} /></FormGroup>
        <FormGroup><Checkbox label="SMS" checked={channels.includes('sms')} onChange={() => toggleChannel('sms')} /></FormGroup>
        <FormGroup>
          <Checkbox label="Quiet hours for SMS" checked={!!quiet}
            onChange={(event) => set('sms_quiet_hours')(event.target.checked ? { start: 21, end: 8, timezone: 'UTC' } : null)} />
        </FormGroup>
        {quiet ? (
          <Flex flexGap="1rem" flexWrap="wrap">
            <Input label="From (hour)" type="number" value={quiet.start} error={nested('sms_quiet_hours', 'start')} onChange={(event) => set('sms_quiet_hours')({ ...quiet, start: integer(event.target.value) })} />
            <Input label="Until (hour)" type="number" value={quiet.end} error={nested('sms_quiet_hours', 'end')} onChange={(event) => set('sms_quiet_hours')({ ...quiet, end: integer(event.target.value) })} />
            <Input label="Time zone" value={quiet.timezone} error={nested('sms_quiet_hours', 'timezone')} onChange={(event) => set('sms_quiet_hours')({ ...quiet, timezone: event.target.value })} />
          </Flex>
        ) : null}
        {text('brand_logo_url', 'Logo URL for emails')}
        {text('brand_colour', 'Brand colour', { description: 'Such as #1f4e79.' })}
      </Section>
      <Section title="Reorder suggestions">
        <FormGroup>
          <Input label="Service level (%)" type="number" min={50} max={99.9} step={0.1}
            description="How often stock should last until the next delivery arrives: safety stock grows with it. Between 50 and 99.9."
            value={values.service_level == null ? '' : Math.round(values.service_level * 1000) / 10} error={err('service_level')}
            onChange={(event) => set('service_level')(event.target.value === '' ? null : Math.round(Number(event.target.value) * 10) / 1000)} />
        </FormGroup>
      </Section>
      <Section title="Storefront">
        <FormGroup>
          <Textarea label="Storefront origins" description="One per line, such as https://shop.example.com. The widget's API calls are allowed from these only."
            rows={3} value={(values.storefront_origins || []).join('\n')} error={err('storefront_origins')}
            onChange={(event) => set('storefront_origins')(event.target.value.split('\n').map((line) => line.trim()).filter(Boolean))} />
        </FormGroup>
      </Section>
      <Button type="submit" isLoading={busy}>Save settings</Button>
    </Form>
  );
}

function health(ok, good, bad) {
  return <Badge variant={ok ? 'success' : 'warning'} label={ok ? good : bad} />;
}

function Integration() {
  const state = useLoad(() => get('/integration'), []);
  return (
    <Section title="Storefront script and webhooks">
      <Loaded state={state}>
        {(integration) => <IntegrationStatus integration={integration} />}
      </Loaded>
    </Section>
  );
}

function IntegrationStatus({ integration }) {
  const { script, webhooks } = integration;
  return (
    <Box>
      {script.installed === null ? (
        <Text>Paste this tag into your storefront’s pages (before <code>&lt;/body&gt;</code>) to show the widget:</Text>
      ) : (
        <Flex alignItems="center" flexGap="0.5rem" marginBottom="small">
          <Text marginBottom="none">Storefront script:</Text>
          {health(script.installed, 'added to every page', 'not added — paste the snippet into your theme')}
        </Flex>
      )}
      <Text bold marginBottom="xSmall">Snippet</Text>
      <Box as="pre" padding="small" backgroundColor="secondary10" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        <code>{integration.snippet}</code>
      </Box>
      {webhooks ? (
        <>
          <Flex alignItems="center" flexGap="0.5rem" marginTop="medium" marginBottom="small">
            <Text marginBottom="none">Webhooks: {number(webhooks.registered)} of {number(webhooks.expected)} registered</Text>
            {health(webhooks.registered === webhooks.expected, 'healthy', 'reinstall the app to repair')}
          </Flex>
          <Text>
            Deliveries failed for good: {number(webhooks.failed_jobs)} · waiting or being retried: {number(webhooks.pending_jobs)}
          </Text>
          {webhooks.last_error ? <Text>Latest error: {webhooks.last_error}</Text> : null}
          <Small>Last reconciliation with BigCommerce: {integration.last_reconciled_at ? dateTime(integration.last_reconciled_at) : 'not yet'}</Small>
        </>
      ) : null}
    </Box>
  );
}

export default function Settings() {
  const state = useLoad(() => get('/settings'), []);
  return (
    <Page title="Settings">
      <Loaded state={state}>{(settings) => <SettingsForm initial={settings} />}</Loaded>
      <Integration />
    </Page>
  );
}
