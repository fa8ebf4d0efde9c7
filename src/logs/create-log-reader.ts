import type { LogReader } from './log-row.ts'
import { createCefReader } from './readers/cef-reader.ts'
import {
  createCommonSecurityLogCsvReader,
  createCommonSecurityLogJsonReader,
} from './readers/common-security-log-export-reader.ts'
import {
  createDefenderCsvReader,
  createDefenderJsonReader,
} from './readers/defender-export-reader.ts'
import { createFortiGateKvReader } from './readers/fortigate-kv-reader.ts'
import { createPanOsCsvReader } from './readers/pan-os-csv-reader.ts'
import type { ReaderContext } from './readers/reader-context.ts'
import { createSuricataEveReader } from './readers/suricata-eve-reader.ts'
import { createSysmonNetworkReader } from './readers/sysmon-network-reader.ts'
import {
  createZeekJsonReader,
  createZeekTsvReader,
} from './readers/zeek-reader.ts'

/** Creates the reader for the detected format of one file. */
export function createLogReader(context: ReaderContext): LogReader {
  switch (context.format.format) {
    case 'commonsecuritylog-csv':
      return createCommonSecurityLogCsvReader(context)
    case 'commonsecuritylog-json':
      return createCommonSecurityLogJsonReader(context)
    case 'cef':
      return createCefReader(context)
    case 'fortigate-kv':
      return createFortiGateKvReader(context)
    case 'pan-os-csv':
      return createPanOsCsvReader(context)
    case 'defender-csv':
      return createDefenderCsvReader(context)
    case 'defender-json':
      return createDefenderJsonReader(context)
    case 'zeek-tsv':
      return createZeekTsvReader(context)
    case 'zeek-json':
      return createZeekJsonReader(context)
    case 'suricata-eve':
      return createSuricataEveReader(context)
    case 'sysmon-json':
      return createSysmonNetworkReader(context)
    case 'empty':
      return { line() {}, end() {} }
  }
}
