// Find a variant in the catalog mirror (GET /variants?search=) and pick it: for purchase-order
// lines and for curated alternatives.
import { useState } from 'react';
import { Box, Button, Flex, Text } from '@bigcommerce/big-design';
import { get, query } from './api.js';
import { SearchBox } from './ui.jsx';

export function VariantFinder({ label, placeholder, exclude, onPick, pickLabel }) {
  const [found, setFound] = useState(null);
  const [round, setRound] = useState(0); // a new, empty search field after each pick
  const find = async (typed) => setFound((await get(`/variants${query({ search: typed, per_page: 10 })}`)).items);
  const pick = (variant) => { onPick(variant); setFound(null); setRound(round + 1); };
  const shown = found ? found.filter((each) => !exclude.includes(each.variant_id)) : [];
  return (
    <Box marginTop="small">
      <SearchBox key={round} label={label} placeholder={placeholder} onSearch={find} />
      {found ? (
        <Box marginTop="xSmall">
          {shown.map((each) => (
            <Flex key={each.variant_id} justifyContent="space-between" alignItems="center" marginBottom="xxSmall">
              <Text marginBottom="none">{each.name} ({each.sku})</Text>
              <Button variant="subtle" onClick={() => pick(each)} aria-label={pickLabel(each)}>Add</Button>
            </Flex>
          ))}
          {shown.length ? null : <Text>No variant matches.</Text>}
        </Box>
      ) : null}
    </Box>
  );
}
