import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  ruleQueryProblem,
  scheduledRuleSchema,
  type ScheduledRule,
} from './scheduled-rule-schema.ts'

function validRule(): ScheduledRule {
  return {
    id: '0b6ad2d4-0f46-5b39-9a2e-8f7c3e1d2a10',
    name: 'huntpack - DCRat - CommonSecurityLog ip:port',
    description: 'Matches DCRat command-and-control servers.',
    severity: 'High',
    requiredDataConnectors: [
      { connectorId: 'CefAma', dataTypes: ['CommonSecurityLog'] },
    ],
    queryFrequency: '1h',
    queryPeriod: '1h',
    triggerOperator: 'gt',
    triggerThreshold: 0,
    tactics: ['CommandAndControl'],
    relevantTechniques: ['T1071'],
    query:
      'CommonSecurityLog\n| where TimeGenerated > ago(1h)\n| project TimeGenerated, DestinationIP',
    entityMappings: [
      {
        entityType: 'IP',
        fieldMappings: [{ identifier: 'Address', columnName: 'DestinationIP' }],
      },
    ],
    customDetails: { MatchedIndicator: 'DestinationIP' },
    version: '1.0.0',
    kind: 'Scheduled',
  }
}

function issuesOf(rule: unknown): string[] {
  const result = scheduledRuleSchema.safeParse(rule)
  if (result.success) return []
  return result.error.issues.map(
    (issue) => `${issue.path.join('.')}: ${issue.message}`,
  )
}

function assertRejected(
  change: (rule: ScheduledRule) => void,
  expected: RegExp,
): void {
  const rule = validRule()
  change(rule)
  const issues = issuesOf(rule)
  assert.ok(
    issues.some((issue) => expected.test(issue)),
    `expected an issue matching ${expected}, got ${JSON.stringify(issues)}`,
  )
}

test('schema accepts a valid rule', () => {
  assert.deepEqual(issuesOf(validRule()), [])
})

function withSchedule(
  queryFrequency: string,
  queryPeriod: string,
): ScheduledRule {
  const query = `Syslog\n| where TimeGenerated > ago(${queryPeriod})`
  return { ...validRule(), queryFrequency, queryPeriod, query }
}

test('schema accepts boundary durations', () => {
  assert.deepEqual(issuesOf(withSchedule('5m', '5m')), [])
  assert.deepEqual(issuesOf(withSchedule('1h', '14d')), [])
  assert.deepEqual(issuesOf(withSchedule('30m', '47h')), [])
})

test('schema rejects a bad id', () => {
  assertRejected((rule) => (rule.id = 'not-a-guid'), /^id: /)
  assertRejected(
    (rule) => (rule.id = '0B6AD2D4-0F46-5B39-9A2E-8F7C3E1D2A10'),
    /^id: /,
  )
})

test('schema rejects a long name', () => {
  assertRejected((rule) => (rule.name = 'n'.repeat(257)), /^name: /)
})

test('schema rejects an empty name', () => {
  assertRejected((rule) => (rule.name = ''), /^name: /)
})

test('schema rejects a long description', () => {
  assertRejected(
    (rule) => (rule.description = 'd'.repeat(5_001)),
    /^description: /,
  )
})

test('schema rejects an unknown severity', () => {
  assertRejected(
    (rule) => ((rule as { severity: string }).severity = 'Critical'),
    /^severity: /,
  )
})

test('schema rejects missing connectors', () => {
  assertRejected(
    (rule) => (rule.requiredDataConnectors = []),
    /^requiredDataConnectors: /,
  )
  assertRejected(
    (rule) =>
      (rule.requiredDataConnectors = [
        { connectorId: 'CefAma', dataTypes: [] },
      ]),
    /^requiredDataConnectors\.0\.dataTypes: /,
  )
})

test('schema rejects durations out of range', () => {
  assertRejected(
    (rule) => (rule.queryFrequency = '4m'),
    /^queryFrequency: .*5 minutes to 14 days/,
  )
  assertRejected(
    (rule) => (rule.queryPeriod = '15d'),
    /^queryPeriod: .*5 minutes to 14 days/,
  )
  assertRejected((rule) => (rule.queryPeriod = 'PT1H'), /^queryPeriod: /)
  assertRejected((rule) => (rule.queryPeriod = '0m'), /^queryPeriod: /)
})

test('schema rejects period shorter than frequency', () => {
  assertRejected((rule) => {
    rule.queryFrequency = '2h'
    rule.queryPeriod = '1h'
  }, /^queryPeriod: .*shorter than queryFrequency/)
})

test('schema rejects short frequency for long period', () => {
  assertRejected((rule) => {
    rule.queryFrequency = '30m'
    rule.queryPeriod = '2d'
  }, /^queryFrequency: .*at least 1h/)
})

test('schema rejects bad trigger settings', () => {
  assertRejected(
    (rule) =>
      ((rule as { triggerOperator: string }).triggerOperator = 'GreaterThan'),
    /^triggerOperator: /,
  )
  assertRejected(
    (rule) => (rule.triggerThreshold = 10_001),
    /^triggerThreshold: /,
  )
  assertRejected((rule) => (rule.triggerThreshold = -1), /^triggerThreshold: /)
  assertRejected((rule) => (rule.triggerThreshold = 0.5), /^triggerThreshold: /)
})

test('schema rejects an unknown tactic', () => {
  assertRejected(
    (rule) => ((rule.tactics as string[]) = ['C2']),
    /^tactics\.0: /,
  )
})

test('schema rejects a technique without its tactic', () => {
  assertRejected((rule) => {
    rule.tactics = ['InitialAccess']
    rule.relevantTechniques = ['T1105']
  }, /^tactics: technique T1105 needs tactic CommandAndControl/)
})

test('schema rejects a technique with half its tactics', () => {
  assertRejected((rule) => {
    rule.tactics = ['Collection']
    rule.relevantTechniques = ['T1056']
  }, /needs tactic CredentialAccess/)
})

test('schema rejects malformed and unknown techniques', () => {
  assertRejected(
    (rule) => (rule.relevantTechniques = ['1071']),
    /^relevantTechniques\.0: /,
  )
  assertRejected(
    (rule) => (rule.relevantTechniques = ['T9999']),
    /^relevantTechniques\.0: .*no known tactics/,
  )
})

test('schema rejects a query over 10,000 characters', () => {
  assertRejected(
    (rule) => (rule.query = `Syslog\n${'// padding\n'.repeat(1_000)}`),
    /^query: .*limit is 10000/,
  )
})

test('schema accepts a query of exactly 10,000 characters', () => {
  const start = 'Syslog | where TimeGenerated > ago(1h)'
  const query = `${start}${' '.repeat(10_000 - start.length)}`
  assert.deepEqual(issuesOf({ ...validRule(), query }), [])
})

test('schema rejects search * and union *', () => {
  assertRejected((rule) => (rule.query = 'search *'), /^query: .*search \*/)
  assertRejected(
    (rule) => (rule.query = 'search  * | take 1'),
    /^query: .*search \*/,
  )
  assertRejected(
    (rule) => (rule.query = 'union * | take 1'),
    /^query: .*union \*/,
  )
  assertRejected(
    (rule) => (rule.query = 'union isfuzzy=true * | take 1'),
    /^query: .*union \*/,
  )
  assertRejected((rule) => (rule.query = ''), /^query: .*empty/)
})

test('ruleQueryProblem allows multiplication and named unions', () => {
  assert.equal(ruleQueryProblem('union T1, T2 | extend x = a * b'), undefined)
  assert.equal(
    ruleQueryProblem('Syslog | where Message has "search *"'),
    'the query uses `search *`',
  )
})

test('schema rejects too many entity mappings', () => {
  assertRejected(
    (rule) =>
      (rule.entityMappings = Array.from(
        { length: 6 },
        () => validRule().entityMappings[0]!,
      )),
    /^entityMappings: /,
  )
  assertRejected((rule) => (rule.entityMappings = []), /^entityMappings: /)
})

test('schema rejects too many identifiers', () => {
  assertRejected(
    (rule) =>
      (rule.entityMappings = [
        {
          entityType: 'Host',
          fieldMappings: [
            { identifier: 'HostName', columnName: 'A' },
            { identifier: 'DnsDomain', columnName: 'B' },
            { identifier: 'NTDomain', columnName: 'C' },
            { identifier: 'FullName', columnName: 'D' },
          ],
        },
      ]),
    /^entityMappings\.0\.fieldMappings: /,
  )
})

test('schema rejects wrong identifier names', () => {
  assertRejected(
    (rule) =>
      (rule.entityMappings = [
        {
          entityType: 'IP',
          fieldMappings: [{ identifier: 'IPAddress', columnName: 'A' }],
        },
      ]),
    /IP has no identifier IPAddress/,
  )
  assertRejected(
    (rule) =>
      (rule.entityMappings = [
        {
          entityType: 'URL' as 'IP',
          fieldMappings: [{ identifier: 'Address', columnName: 'A' }],
        },
      ]),
    /URL has no identifier Address/,
  )
})

test('schema rejects an incomplete FileHash', () => {
  assertRejected(
    (rule) =>
      (rule.entityMappings = [
        {
          entityType: 'FileHash',
          fieldMappings: [{ identifier: 'Value', columnName: 'SHA256' }],
        },
      ]),
    /FileHash needs one of these identifier sets: Algorithm \+ Value/,
  )
})

test('schema rejects a repeated identifier', () => {
  assertRejected(
    (rule) =>
      (rule.entityMappings = [
        {
          entityType: 'IP',
          fieldMappings: [
            { identifier: 'Address', columnName: 'A' },
            { identifier: 'Address', columnName: 'B' },
          ],
        },
      ]),
    /identifier Address is mapped twice/,
  )
})

test('schema rejects an unknown entity type', () => {
  assertRejected(
    (rule) =>
      (rule.entityMappings = [
        {
          entityType: 'Device' as 'IP',
          fieldMappings: [{ identifier: 'Address', columnName: 'A' }],
        },
      ]),
    /^entityMappings\.0\.entityType: /,
  )
})

test('schema rejects a bad column name', () => {
  assertRejected(
    (rule) =>
      (rule.entityMappings = [
        {
          entityType: 'IP',
          fieldMappings: [{ identifier: 'Address', columnName: '1Column' }],
        },
      ]),
    /columnName: /,
  )
})

test('schema rejects bad custom details', () => {
  assertRejected(
    (rule) => (rule.customDetails = { '1Key': 'A' }),
    /^customDetails/,
  )
  assertRejected(
    (rule) => (rule.customDetails = { ThisKeyIsLongerThanTwenty: 'A' }),
    /^customDetails/,
  )
  assertRejected(
    (rule) => (rule.customDetails = { Key: 'not a column' }),
    /^customDetails/,
  )
  assertRejected(
    (rule) =>
      (rule.customDetails = Object.fromEntries(
        Array.from({ length: 21 }, (_, index) => [`Key${index}`, 'Column']),
      )),
    /^customDetails: at most 20/,
  )
})

test('schema rejects a bad version', () => {
  assertRejected((rule) => (rule.version = '1.0'), /^version: /)
  assertRejected((rule) => (rule.version = 'v1.0.0'), /^version: /)
  assertRejected((rule) => (rule.version = '1.0.0.0'), /^version: /)
})

test('schema rejects another kind', () => {
  assertRejected((rule) => ((rule as { kind: string }).kind = 'NRT'), /^kind: /)
})

test('schema rejects unknown keys', () => {
  assert.ok(issuesOf({ ...validRule(), queryFrequncy: '1h' }).length > 0)
})

test('schema rejects a time filter unlike the period', () => {
  assertRejected(
    (rule) => (rule.query = 'Syslog | where TimeGenerated > ago(14d)'),
    /^query: .*ago\(14d\).*1h/,
  )
  assertRejected(
    (rule) => (rule.query = 'Syslog | take 1'),
    /^query: .*no ago\(\) time filter/,
  )
  assertRejected(
    (rule) =>
      (rule.query =
        'let lookback = 2h;\nSyslog | where TimeGenerated > ago(lookback)'),
    /^query: .*ago\(2h\)/,
  )
})

test('schema accepts a let lookback equal to the period', () => {
  const query =
    'let lookback = 1h;\nSyslog | where TimeGenerated > ago(lookback)'
  assert.deepEqual(issuesOf({ ...validRule(), query }), [])
})
