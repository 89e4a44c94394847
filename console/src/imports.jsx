// Importing a CSV file (purchase orders, suppliers): the file is checked first (?dry_run=true),
// and saved only when every row is right; a 422 lists each bad row by its line in the file.
import { useState } from 'react';
import { Box, FormGroup, Input, Message, Modal, Table, Text } from '@bigcommerce/big-design';
import { api } from './api.js';
import { number } from './format.js';
import { useBusy } from './ui.jsx';

// A 422 from an import names each bad row by its line in the file ({"12": {"quantity": [...]}});
// problems with the whole file (columns, size, encoding) come under other keys.
function importProblems(error) {
  const entries = Object.entries((error && error.fields) || {});
  const rows = entries.filter(([key]) => /^\d+$/.test(key)).map(([row, fields]) => ({ row: Number(row), fields }));
  const file = entries.filter(([key]) => !/^\d+$/.test(key)).flatMap(([, messages]) => [].concat(messages));
  return { rows: rows.sort((a, b) => a.row - b.row), file };
}

// `path`: the import route; `describe(check)`: what the dry run found, as a sentence.
export function ImportCsv({ title, path, columns, describe, onClose, onDone }) {
  const [files, setFiles] = useState([]);
  const [check, setCheck] = useState(null);
  const { busy, error, run } = useBusy();
  const send = (dryRun) => {
    const form = new FormData();
    form.append('file', files[0]);
    return api('POST', `${path}${dryRun ? '?dry_run=true' : ''}`, { body: form });
  };
  const verify = () => run(async () => { setCheck(null); setCheck(await send(true)); });
  const importNow = () => run(async () => onDone(await send(false)));
  const problems = error && error.status === 422 ? importProblems(error) : null;
  return (
    <Modal isOpen header={title} onClose={onClose} closeOnEscKey closeOnClickOutside={false}
      actions={[
        { text: 'Cancel', variant: 'subtle', onClick: onClose },
        check ? { text: 'Import', onClick: importNow, isLoading: busy } : { text: 'Check file', onClick: verify, isLoading: busy, disabled: !files.length },
      ]}>
      <Text>{columns} The file is checked first, and nothing is saved unless every row is right.</Text>
      {/* A plain file field: BigDesign's FileUploader nests a button inside its drop zone (axe: nested-interactive). */}
      <FormGroup>
        <Input label="CSV file" type="file" accept=".csv,text/csv"
          onChange={(event) => { setCheck(null); setFiles([...event.target.files].slice(-1)); }} />
      </FormGroup>
      {error && !problems ? <Message type="error" messages={[{ text: error.message }]} marginTop="medium" /> : null}
      {problems ? (
        <Box marginTop="medium">
          <Message type="error" header="Nothing was saved" messages={[{ text: error.message }, ...problems.file.map((text) => ({ text }))]} />
          {problems.rows.length ? (
            <Table
              columns={[
                { header: 'Line in file', hash: 'row', render: (row) => number(row.row) },
                {
                  header: 'Errors', hash: 'errors',
                  render: (row) => Object.entries(row.fields).map(([field, messages]) => `${field}: ${[].concat(messages).join(' ')}`).join('; '),
                },
              ]}
              items={problems.rows}
              keyField="row"
            />
          ) : null}
        </Box>
      ) : null}
      {check ? <Message type="success" marginTop="medium" messages={[{ text: `Every row is right: ${describe(check)} Import to save them.` }]} /> : null}
    </Modal>
  );
}
