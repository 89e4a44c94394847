// The console's frame: left navigation and the page the URL hash names, each page its own chunk.
import { lazy, Suspense, useEffect, useRef } from 'react';
import styled from 'styled-components';
import { Box, Flex, Text } from '@bigcommerce/big-design';
import {
  AssignmentIcon, HomeIcon, InsertChartIcon, InsertChartOutlinedIcon, NotificationsIcon, ProductsIcon, ReceiptIcon, RefreshIcon, SettingsIcon, StoreIcon,
  UndoIcon,
} from '@bigcommerce/big-design-icons';
import { useRoute } from './router.js';
import { Loading } from './ui.jsx';

// Only pages whose admin routes exist are listed: the console offers nothing the API cannot do.
const PAGES = [
  { path: 'overview', icon: HomeIcon, title: 'Overview', page: lazy(() => import('./pages/Overview.jsx')) },
  { path: 'insights', icon: InsertChartOutlinedIcon, title: 'Insights', page: lazy(() => import('./pages/Insights.jsx')) },
  { path: 'backorders', icon: AssignmentIcon, title: 'Backorders', page: lazy(() => import('./pages/Backorders.jsx')) },
  { path: 'refunds', icon: UndoIcon, title: 'Refunds', page: lazy(() => import('./pages/Refunds.jsx')) },
  { path: 'reorder', icon: RefreshIcon, title: 'Reorder', page: lazy(() => import('./pages/Reorder.jsx')) },
  { path: 'purchase-orders', icon: ReceiptIcon, title: 'Purchase orders', page: lazy(() => import('./pages/PurchaseOrders.jsx')) },
  { path: 'suppliers', icon: StoreIcon, title: 'Suppliers', page: lazy(() => import('./pages/Suppliers.jsx')) },
  { path: 'products', icon: ProductsIcon, title: 'Products', page: lazy(() => import('./pages/Products.jsx')) },
  { path: 'messages', icon: NotificationsIcon, title: 'Messages', page: lazy(() => import('./pages/Messages.jsx')) },
  { path: 'settings', icon: SettingsIcon, title: 'Settings', page: lazy(() => import('./pages/Settings.jsx')) },
  { path: 'activity', icon: InsertChartIcon, title: 'Activity', page: lazy(() => import('./pages/Activity.jsx')) },
];

const Side = styled.nav`
  background: ${({ theme }) => theme.colors.white};
  border-right: ${({ theme }) => theme.border.box};
  min-height: 100vh;
  padding: ${({ theme }) => theme.spacing.medium} 0;
  width: 14.5rem;
  flex: none;
  ul { list-style: none; margin: 0; padding: 0; }
  a {
    color: ${({ theme }) => theme.colors.secondary70};
    align-items: center;
    display: flex;
    gap: ${({ theme }) => theme.spacing.xSmall};
    padding: ${({ theme }) => `${theme.spacing.xSmall} ${theme.spacing.large}`};
    text-decoration: none;
    border-left: 4px solid transparent;
  }
  a:hover { background: ${({ theme }) => theme.colors.secondary10}; }
  a:focus-visible { outline: 2px solid ${({ theme }) => theme.colors.primary40}; outline-offset: -2px; }
  a[aria-current='page'] {
    border-left-color: ${({ theme }) => theme.colors.primary};
    color: ${({ theme }) => theme.colors.primary};
    font-weight: ${({ theme }) => theme.typography.fontWeight.semiBold};
  }
`;

export function App({ session }) {
  const { parts, params } = useRoute();
  const current = PAGES.find((entry) => entry.path === parts[0]) || PAGES[0];
  const Current = current.page;
  const main = useRef(null);
  useEffect(() => {
    document.title = `${current.title} — Backorder Desk`;
  }, [current]);
  // A new page gets the focus, so keyboard and screen-reader users start at its heading.
  useEffect(() => { if (main.current) main.current.focus(); }, [current.path]);
  return (
    <Flex>
      <Side aria-label="Backorder Desk">
        <Box paddingHorizontal="large" marginBottom="medium">
          <Text bold marginBottom="none">Backorder Desk</Text>
          <Text color="secondary60" marginBottom="none">{(session.store && (session.store.name || session.store.hash)) || ''}</Text>
        </Box>
        <ul>
          {PAGES.map((entry) => (
            <li key={entry.path}>
              <a href={`#/${entry.path}`} aria-current={entry === current ? 'page' : undefined}>
                <entry.icon size="medium" aria-hidden="true" /> {entry.title}
              </a>
            </li>
          ))}
        </ul>
        {session.user ? <Box paddingHorizontal="large" marginTop="large"><Text color="secondary60" style={{ overflowWrap: "anywhere" }}>Signed in as {session.user.label || session.user.email}</Text></Box> : null}
      </Side>
      <Box as="main" ref={main} tabIndex={-1} padding="xLarge" style={{ flex: 1, minWidth: 0, outline: 'none' }}>
        <Suspense fallback={<Loading />}>
          <Current parts={parts.slice(1)} params={params} session={session} />
        </Suspense>
      </Box>
    </Flex>
  );
}
