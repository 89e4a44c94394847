// The console starts here: a session handed over by /bigcommerce/load (a JSON data island), or on
// the local platform an admin API key typed once and exchanged for a session. Either way the token
// lives in memory only: reopening the app (or the page) signs in again.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ThemeProvider } from 'styled-components';
import { theme } from '@bigcommerce/big-design-theme';
import { Box, Button, Form, FormGroup, GlobalStyles, H1, Input, Message, Panel, Text } from '@bigcommerce/big-design';
import { api, signIn } from './api.js';
import { App } from './App.jsx';

// The page's data island says which platform this is and, on BigCommerce, carries the session.
// It is read once and removed, so the token lives in this module's memory only.
const island = document.getElementById('console-session');
const boot = island ? JSON.parse(island.textContent) : { platform: 'local', token: null };
if (island) island.remove();
const platform = boot.platform;
const handedOver = boot.token ? boot : null;

// BigDesign's Modal puts aria-labelledby (its heading) on an inner box, not on the element with
// role="dialog", so screen readers announce a nameless dialog (axe: aria-dialog-name). Every
// dialog that appears takes its heading's name here, in one place.
new MutationObserver(() => {
  for (const dialog of document.querySelectorAll('[role="dialog"]:not([aria-labelledby])')) {
    const named = dialog.querySelector('[aria-labelledby]');
    if (named) dialog.setAttribute('aria-labelledby', named.getAttribute('aria-labelledby'));
  }
}).observe(document.body, { childList: true, subtree: true });

function KeyPrompt({ onSession, expired }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSession(await api('POST', '/sessions', { auth: key.trim() }));
    } catch (failure) {
      setError(failure.status === 401 ? 'That key is not valid for any store.' : failure.message);
      setBusy(false);
    }
  };
  return (
    <Box as="main" style={{ maxWidth: 520, margin: '4rem auto' }}>
      <Panel>
        <H1>Backorder Desk</H1>
        {expired ? <Message type="warning" messages={[{ text: 'Your session has expired. Enter the key again to continue.' }]} marginBottom="medium" /> : null}
        <Text>Sign in with your store’s admin API key. It is used once to open a session and is not stored in this browser.</Text>
        <Form onSubmit={submit}>
          <FormGroup>
            <Input label="Admin API key" type="password" autoComplete="off" required value={key}
              onChange={(event) => setKey(event.target.value)} error={error || undefined} />
          </FormGroup>
          <Button type="submit" isLoading={busy}>Sign in</Button>
        </Form>
      </Panel>
    </Box>
  );
}

function Expired() {
  return (
    <Box as="main" style={{ maxWidth: 560, margin: '4rem auto' }}>
      <Message type="warning" header="Session expired — reopen the app"
        messages={[{ text: 'For your security the console signs out after a while. Open Backorder Desk again from the Apps menu of your BigCommerce control panel.' }]} />
    </Box>
  );
}

function Root() {
  const [session, setSession] = useState(handedOver);
  const [expired, setExpired] = useState(false);
  if (session) {
    // Any 401 from here on means the session ended: drop the token and say so.
    signIn(session.token, () => { setSession(null); setExpired(true); });
    return <App session={session} />;
  }
  if (platform === 'bigcommerce') return <Expired />;
  return <KeyPrompt expired={expired} onSession={(next) => { setExpired(false); setSession(next); }} />;
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <ThemeProvider theme={theme}>
      <GlobalStyles />
      <Root />
    </ThemeProvider>
  </StrictMode>,
);
