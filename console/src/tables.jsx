// Lists from the API as tables. Kept apart from ui.jsx so that BigDesign's table loads with the
// first page that shows one, not with the console's first load.
import { Table } from '@bigcommerce/big-design';
import { Loaded, Pager } from './ui.jsx';

// A page of a list from the API ({items, total}) as a BigDesign table with the pager under it.
export function PagedTable({ state, page, perPage, onPage, ...table }) {
  return (
    <Loaded state={state}>
      {(data) => (
        <>
          <Table items={data.items} {...table} />
          <Pager page={page} perPage={perPage} total={data.total} itemName={table.itemName} onPage={onPage} />
        </>
      )}
    </Loaded>
  );
}
