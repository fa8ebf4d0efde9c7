"""Regenerate src/targets/kql/schemas/sentinel-tables.json.

Reads table schemas in the Azure-Sentinel KQL validator format
({"Name": table, "Properties": [{"Name", "Type"}]}) and a `getschema`
CSV export of CommonSecurityLog, and writes one catalog: table name to an
ordered list of [column, KQL scalar type]. Usage:
    python3 scripts/make-schema-catalog.py SCHEMA_DIR
"""
import csv
import glob
import json
import os
import sys

KQL_TYPES = {
    'datetime': 'datetime', 'string': 'string', 'int': 'int', 'int32': 'int',
    'long': 'long', 'int64': 'long', 'bigint': 'long', 'real': 'real',
    'double': 'real', 'single': 'real', 'float': 'real', 'object': 'dynamic', 'timestamp': 'datetime', 'bool': 'bool', 'boolean': 'bool',
    'dynamic': 'dynamic', 'guid': 'guid', 'timespan': 'timespan',
    'decimal': 'decimal',
}
# Copies with a wrong table name or a column list that differs from the real
# table; the catalog takes the documented variant instead.
SKIPPED = {'ThreatIntelIndicators.json', 'AZFWNetworkRule.json'}
RENAMED = {'ThreatIntelligenceIndicator.json': 'ThreatIntelligenceIndicator'}


def main(schema_dir):
    catalog = {}
    for path in sorted(glob.glob(os.path.join(schema_dir, '*.json'))):
        base = os.path.basename(path)
        if base in SKIPPED:
            continue
        with open(path, encoding='utf-8-sig') as f:
            table = json.load(f)
        name = RENAMED.get(base, table['Name'])
        columns, seen = [], set()
        for prop in table['Properties']:
            column = prop['Name'].strip()
            if column in seen:
                continue
            seen.add(column)
            columns.append([column, KQL_TYPES[prop['Type'].strip().lower()]])
        catalog[name] = columns
    # A getschema export from a real workspace has the most exact types.
    with open(os.path.join(schema_dir, 'CommonSecurityLog_Schema.csv'), encoding='utf-8-sig') as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r['ColumnOrdinal']))
    catalog['CommonSecurityLog'] = [[r['ColumnName'], KQL_TYPES[r['ColumnType'].lower()]] for r in rows]
    out = os.path.join(os.path.dirname(__file__), '..', 'src', 'targets', 'kql', 'schemas', 'sentinel-tables.json')
    with open(out, 'w') as f:
        json.dump(dict(sorted(catalog.items())), f, indent=1)
        f.write('\n')
    print({name: len(cols) for name, cols in catalog.items()})


if __name__ == '__main__':
    main(sys.argv[1])
