// Which waiting lines a receipt serves, in queue order (first come, first served), as the
// receipt previews answer it.
import { Box, Table, Text } from '@bigcommerce/big-design';
import { number } from './format.js';

export function ReceiptPreview({ preview, describe }) {
  const allocations = preview.allocations || [];
  return (
    <Box marginTop="medium" aria-live="polite">
      <Text bold>
        {allocations.length
          ? `${number(allocations.length)} ${allocations.length === 1 ? 'line gets' : 'lines get'} units, first come first served:`
          : 'No waiting line gets units: everything goes on hand.'}
      </Text>
      {allocations.length ? (
        <Table
          columns={[
            ...(describe ? [{ header: 'Variant', hash: 'variant', render: describe }] : []),
            { header: 'Order', hash: 'order', render: (line) => line.order_id },
            { header: 'Customer', hash: 'customer', render: (line) => line.customer_email || '—' },
            { header: 'Units', hash: 'units', align: 'right', render: (line) => number(line.quantity) },
          ]}
          items={allocations}
          keyField="line_id"
        />
      ) : null}
      {preview.on_hand_after != null ? (
        <Text marginTop="small">
          On hand afterwards: {number(preview.on_hand_after)}{preview.still_waiting ? ` · ${number(preview.still_waiting)} units still waiting` : ''}
        </Text>
      ) : null}
    </Box>
  );
}
