// Small pieces every page uses: loading, error and empty states, and a data-loading hook.
import { useCallback, useEffect, useState } from 'react';
import { Box, Button, Flex, H1, Message, Panel, ProgressCircle, Search, Text } from '@bigcommerce/big-design';

export function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((value) => value + 1), []);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    load().then(
      (data) => current && setState({ loading: false, data, error: null }),
      (error) => current && setState({ loading: false, data: null, error }),
    );
    return () => { current = false; };
  }, [...deps, version]); // eslint-disable-line react-hooks/exhaustive-deps
  return { ...state, reload };
}

// An action of a dialog: `busy` while it runs, its failure (an ApiError) in `error`.
export function useBusy() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (action) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  return { busy, error, run };
}

// A search field that searches when submitted (Enter or its button), not on every key.
export function SearchBox({ initial, label, placeholder = 'SKU or name', onSearch, ...props }) {
  const [typed, setTyped] = useState(initial || '');
  return (
    <Search value={typed} onChange={(event) => setTyped(event.target.value)} placeholder={placeholder} aria-label={label}
      onSubmit={(event) => { event.preventDefault(); onSearch(typed); }} {...props} />
  );
}

export function Loading({ label = 'Loading' }) {
  return (
    <Flex justifyContent="center" padding="xLarge" role="status" aria-live="polite">
      <ProgressCircle size="medium" />
      <Text marginLeft="small">{label}…</Text>
    </Flex>
  );
}

export function Failure({ error, retry }) {
  const actions = retry ? [{ text: 'Try again', onClick: retry }] : undefined;
  return <Message type="error" header="Something went wrong" messages={[{ text: error.message }]} actions={actions} marginBottom="medium" />;
}

export function Empty({ children }) {
  return <Box padding="large"><Text color="secondary60">{children}</Text></Box>;
}

// Loading, error or the content, from a useLoad state.
export function Loaded({ state, children }) {
  if (state.error) return <Failure error={state.error} retry={state.reload} />;
  if (state.loading && !state.data) return <Loading />;
  return children(state.data);
}

export function Page({ title, actions, children }) {
  return (
    <Box>
      <Flex justifyContent="space-between" alignItems="center" marginBottom="medium" flexWrap="wrap">
        <H1 marginBottom="none">{title}</H1>
        {actions ? <Flex flexGap="0.5rem">{actions}</Flex> : null}
      </Flex>
      {children}
    </Box>
  );
}

export function Section({ title, children, ...props }) {
  return <Panel header={title} marginBottom="medium" {...props}>{children}</Panel>;
}

// The error text of one field from an ApiError's field errors (a list of messages or a nested object).
export function fieldError(error, name) {
  const value = error && error.fields && error.fields[name];
  if (!value) return undefined;
  if (Array.isArray(value)) return value.join(' ');
  if (typeof value === 'object') return Object.values(value).flat().join(' ');
  return String(value);
}

// Page through a list. (BigDesign's table pagination puts aria-activedescendant on a plain
// button, which axe reports as critical, so the console pages with two buttons instead.)
export function Pager({ page, perPage, total, onPage, itemName = 'items' }) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (total <= perPage && page === 1) return null;
  const first = (page - 1) * perPage + 1;
  const last = Math.min(total, page * perPage);
  return (
    <Flex as="nav" aria-label={`Pages of ${itemName}`} alignItems="center" justifyContent="flex-end" flexGap="0.75rem" marginTop="medium">
      <Text marginBottom="none">{first}–{last} of {total}</Text>
      <Button variant="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous page</Button>
      <Button variant="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>Next page</Button>
    </Flex>
  );
}
