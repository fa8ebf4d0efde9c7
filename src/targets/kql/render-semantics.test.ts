import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import type { Indicator } from '../../indicators/indicator.ts'
import type { HuntSpec } from '../../hunts/hunt.ts'
import {
  testIndicator,
  threatFoxIndicators,
} from '../../hunts/test-indicators.ts'
import { renderHunt } from './hunt-renderer.ts'
import { evaluateQuery, type Row } from './render-test-evaluator.ts'

// Runs rendered queries over made-up rows with the test evaluator, and
// checks the clause fragments that carry each semantic rule.

const DCRAT = threatFoxIndicators(['reference-dcrat-1', 'reference-dcrat-2'])

function run(spec: HuntSpec, indicators: Indicator[], rows: Row[]): Row[] {
  return evaluateQuery(renderHunt(spec, indicators).text, rows)
}

function textOf(spec: HuntSpec, indicators: Indicator[]): string {
  return renderHunt(spec, indicators).text
}

describe('ip:port in CommonSecurityLog', () => {
  const spec: HuntSpec = {
    family: 'DCRat',
    table: 'CommonSecurityLog',
    observable: 'ip-port',
  }
  const rows: Row[] = [
    {
      SourceIP: '10.0.0.5',
      SourcePort: 50000,
      DestinationIP: '94.26.90.55',
      DestinationPort: 8888,
    },
    {
      SourceIP: '93.177.103.55',
      SourcePort: 9999,
      DestinationIP: '10.0.0.5',
      DestinationPort: 50001,
    },
    {
      SourceIP: '10.0.0.5',
      SourcePort: 50002,
      DestinationIP: '94.26.90.55',
      DestinationPort: 443,
    },
    {
      SourceIP: '10.0.0.5',
      SourcePort: 50003,
      DestinationIP: '94.26.90.55',
      DestinationPort: 9999,
    },
    {
      SourceIP: '10.0.0.5',
      SourcePort: 50004,
      DestinationIP: '94.26.90.55',
      DestinationPort: null,
    },
    {
      SourceIP: '10.0.0.5',
      SourcePort: 8888,
      DestinationIP: '',
      DestinationPort: 8888,
    },
    {
      SourceIP: '10.0.0.5',
      SourcePort: 8888,
      DestinationIP: '94.26.90.5',
      DestinationPort: 8888,
    },
  ]
  const result = run(spec, DCRAT, rows)
  const summary = result.map((row) => [
    row.MatchedIndicator,
    row.MatchedColumn,
    row.MatchStrength,
  ])

  test('address and port match as ip:port', () => {
    assert.deepEqual(summary[0], [
      '94.26.90.55:8888',
      'DestinationIP',
      'ip:port',
    ])
  })

  test('source side matches too', () => {
    assert.deepEqual(summary[1], ['93.177.103.55:9999', 'SourceIP', 'ip:port'])
  })

  test('other port is ip only', () => {
    assert.deepEqual(summary[2], ['94.26.90.55', 'DestinationIP', 'ip only'])
  })

  test("another indicator's port is ip only", () => {
    assert.deepEqual(summary[3], ['94.26.90.55', 'DestinationIP', 'ip only'])
  })

  test('missing port is ip only', () => {
    assert.deepEqual(summary[4], ['94.26.90.55', 'DestinationIP', 'ip only'])
  })

  test('empty or near addresses never match', () => {
    assert.equal(result.length, 5)
  })

  test('PortMatched follows MatchStrength', () => {
    assert.deepEqual(
      result.map((row) => row.PortMatched),
      [true, true, false, false, false],
    )
  })

  test('clauses test both directions with ports', () => {
    const text = textOf(spec, DCRAT)
    assert.match(
      text,
      /\| where \(isnotempty\(DestinationIP\) and DestinationIP in \(ioc_ips\)\) or \(isnotempty\(SourceIP\) and SourceIP in \(ioc_ips\)\)\n/,
    )
    assert.match(
      text,
      /strcat\(DestinationIP, ":", tostring\(DestinationPort\)\)/,
    )
    assert.match(text, /strcat\(SourceIP, ":", tostring\(SourcePort\)\)/)
    assert.match(
      text,
      /\| extend DestinationPortMatched = DestinationEndpoint in \(ioc_endpoints\)\n/,
    )
    assert.match(
      text,
      /\| extend SourcePortMatched = SourceEndpoint in \(ioc_endpoints\)\n/,
    )
  })
})

describe('ip:port in DeviceNetworkEvents', () => {
  const spec: HuntSpec = {
    family: 'DCRat',
    table: 'DeviceNetworkEvents',
    observable: 'ip-port',
  }

  test('IPv4-mapped IPv6 matches with port', () => {
    const [row] = run(spec, DCRAT, [
      { RemoteIP: '::ffff:94.26.90.55', RemotePort: 8888 },
    ])
    assert.equal(row.MatchStrength, 'ip:port')
  })

  test('IPv4-mapped IPv6 on another port is ip only', () => {
    const [row] = run(spec, DCRAT, [
      { RemoteIP: '::ffff:94.26.90.55', RemotePort: 80 },
    ])
    assert.equal(row.MatchStrength, 'ip only')
  })

  test('mapped forms are a second list', () => {
    const text = textOf(spec, DCRAT)
    assert.match(
      text,
      /^let ioc_ips_other_forms = dynamic\(\["::ffff:93\.177\.103\.55", "::ffff:94\.26\.90\.55"\]\);$/m,
    )
    assert.match(
      text,
      /RemoteIP in \(ioc_ips\) or RemoteIP in \(ioc_ips_other_forms\)/,
    )
  })

  test('CommonSecurityLog has no mapped list', () => {
    const text = textOf({ ...spec, table: 'CommonSecurityLog' }, DCRAT)
    assert.doesNotMatch(text, /::ffff:/)
  })
})

describe('IPv6 indicators', () => {
  const spec: HuntSpec = {
    family: 'Test',
    table: 'CommonSecurityLog',
    observable: 'ip-port',
  }
  const indicator = testIndicator({
    type: 'ip',
    value: '2001:db8::1',
    ipVersion: 6,
    port: 8080,
  })

  test('compressed form matches', () => {
    const [row] = run(
      spec,
      [indicator],
      [{ DestinationIP: '2001:db8::1', DestinationPort: 8080 }],
    )
    assert.equal(row.MatchedIndicator, '2001:db8::1:8080')
  })

  test('uncompressed form matches', () => {
    const rows = [
      {
        DestinationIP: '2001:0db8:0000:0000:0000:0000:0000:0001',
        DestinationPort: 8080,
      },
    ]
    assert.equal(run(spec, [indicator], rows)[0].MatchStrength, 'ip:port')
  })

  test('other address does not match', () => {
    assert.deepEqual(
      run(
        spec,
        [indicator],
        [{ DestinationIP: '2001:db8::10', DestinationPort: 8080 }],
      ),
      [],
    )
  })
})

describe('domain and subdomains', () => {
  const spec: HuntSpec = {
    family: 'Test',
    table: 'DnsEvents',
    observable: 'domain',
  }
  const indicators = [testIndicator({ type: 'domain', value: 'evil.com' })]
  const names = [
    'evil.com',
    'EVIL.COM.',
    'a.b.evil.com',
    'notevil.com',
    'evil.com.attacker.example',
    'evil.co',
    'evil-com.example',
    '',
  ]
  const result = run(
    spec,
    indicators,
    names.map((Name) => ({ Name })),
  )

  test('matches the domain and subdomains only', () => {
    assert.deepEqual(
      result.map((row) => row.Name),
      ['evil.com', 'EVIL.COM.', 'a.b.evil.com'],
    )
  })

  test('reports the indicator domain', () => {
    assert.deepEqual(
      result.map((row) => row.MatchedIndicator),
      ['evil.com', 'evil.com', 'evil.com'],
    )
  })

  test('clauses normalise and anchor the suffix', () => {
    const text = textOf(spec, indicators)
    assert.match(
      text,
      /\| extend NameHost = trim_end\(@"\\\.", tolower\(Name\)\)\n/,
    )
    assert.match(
      text,
      /NameHost in \(ioc_domains\), NameHost, NameHost endswith "\.evil\.com", "evil\.com", ""\)/,
    )
  })

  test('nested indicator domains report the first', () => {
    const both = [
      testIndicator({ type: 'domain', value: 'evil.com' }),
      testIndicator({ type: 'domain', value: 'c2.evil.com' }),
    ]
    const [row] = run(spec, both, [{ Name: 'x.c2.evil.com' }])
    assert.equal(row.MatchedIndicator, 'c2.evil.com')
  })
})

describe('domain in the host of RequestURL', () => {
  const spec: HuntSpec = {
    family: 'Test',
    table: 'CommonSecurityLog',
    observable: 'domain',
  }
  const indicators = [testIndicator({ type: 'domain', value: 'evil.com' })]
  // [RequestURL, expected match]
  const cases: Array<[string, boolean]> = [
    ['http://evil.com/a', true],
    ['https://user:pw@Sub.EVIL.com:8443/x?y=1#z', true],
    ['evil.com:8080/path', true],
    ['a.evil.com', true],
    ['HTTPS://A.B.Evil.Com./', true],
    ['//cdn.evil.com/lib.js', true],
    ['http://notevil.com/', false],
    ['http://evil.com.attacker.example/', false],
    ['https://attacker.example/evil.com', false],
    ['http://evil.com@attacker.example/', false],
    ['https://attacker.example/?next=http://evil.com/', false],
    ['http://[2001:db8::1]:8080/evil.com', false],
    ['/evil.com/index.html', false],
    ['', false],
  ]
  const result = run(
    spec,
    indicators,
    cases.map(([RequestURL]) => ({ DestinationHostName: '', RequestURL })),
  )

  test('matches the host of the URL only', () => {
    assert.deepEqual(
      result.map((row) => row.RequestURL),
      cases.filter(([, match]) => match).map(([url]) => url),
    )
  })

  test('reports RequestURL and the domain', () => {
    assert.deepEqual(
      [
        ...new Set(
          result.map((row) => `${row.MatchedColumn} ${row.MatchedIndicator}`),
        ),
      ],
      ['RequestURL evil.com'],
    )
  })

  test('host name column is reported first', () => {
    const [row] = run(spec, indicators, [
      { DestinationHostName: 'evil.com', RequestURL: 'http://evil.com/' },
    ])
    assert.equal(row.MatchedColumn, 'DestinationHostName')
  })

  test('clause extracts the host before comparing', () => {
    assert.match(
      textOf(spec, indicators),
      /\| extend RequestURLHost = trim_end\(@"\\\.", tolower\(extract\(@"\^[^"]+", 1, RequestURL\)\)\)\n/,
    )
  })
})

describe('domain in _Im_WebSession', () => {
  const spec: HuntSpec = {
    family: 'Test',
    table: '_Im_WebSession',
    observable: 'domain',
  }
  const indicators = [testIndicator({ type: 'domain', value: 'evil.com' })]
  const rows: Row[] = [
    { Url: 'http://c2.evil.com:8080/gate.php', HttpHost: 'c2.evil.com:8080' },
    // A proxy that logs the address in Url and the name in the Host header.
    { Url: 'http://198.51.100.7/evil.com/gate', HttpHost: 'c2.evil.com' },
    { Url: 'http://notevil.com/evil.com', HttpHost: 'notevil.com' },
    {
      Url: 'http://x.example/',
      HttpHost: 'x.example',
      DstHostname: 'Evil.com',
    },
  ]
  const result = run(spec, indicators, rows)

  test('reports the column that holds the host', () => {
    assert.deepEqual(
      result.map((row) => [row.MatchedColumn, row.MatchedIndicator]),
      [
        ['Url', 'evil.com'],
        ['HttpHost', 'evil.com'],
        ['DstHostname', 'evil.com'],
      ],
    )
  })

  test('parser call prefilters on Url', () => {
    assert.match(
      textOf(spec, indicators),
      /\n_Im_WebSession\(starttime=ago\(lookback\), url_has_any=ioc_domains\)\n/,
    )
  })
})

describe('domain in _Im_Dns', () => {
  const spec: HuntSpec = {
    family: 'Test',
    table: '_Im_Dns',
    observable: 'domain',
  }
  const indicators = [testIndicator({ type: 'domain', value: 'evil.com' })]
  const queries = [
    'c2.EVIL.com.',
    'evil.com',
    'notevil.com',
    'evil.com.example',
  ]
  const result = run(
    spec,
    indicators,
    queries.map((DnsQuery) => ({ DnsQuery })),
  )

  test('matches the domain and subdomains only', () => {
    assert.deepEqual(
      result.map((row) => row.DnsQuery),
      ['c2.EVIL.com.', 'evil.com'],
    )
  })

  test('parser call prefilters on the domain', () => {
    assert.match(
      textOf(spec, indicators),
      /\n_Im_Dns\(starttime=ago\(lookback\), domain_has_any=ioc_domains\)\n/,
    )
  })
})

describe('url in _Im_WebSession', () => {
  const spec: HuntSpec = {
    family: 'Test',
    table: '_Im_WebSession',
    observable: 'url',
  }
  const indicators = [
    testIndicator({ type: 'url', value: 'http://evil.com/gate.php' }),
  ]

  test('whole URL matches, ignoring case', () => {
    const result = run(spec, indicators, [
      { Url: 'HTTP://EVIL.COM/gate.php' },
      { Url: 'http://evil.com/gate.php?id=1' },
    ])
    assert.deepEqual(
      result.map((row) => row.Url),
      ['HTTP://EVIL.COM/gate.php'],
    )
  })

  test('parser call prefilters on the URLs', () => {
    assert.match(
      textOf(spec, indicators),
      /\n_Im_WebSession\(starttime=ago\(lookback\), url_has_any=ioc_urls\)\n/,
    )
  })
})

describe('url', () => {
  const spec: HuntSpec = {
    family: 'Test',
    table: 'DeviceNetworkEvents',
    observable: 'url',
  }
  const indicators = [
    testIndicator({
      type: 'url',
      value: 'https://sagearcade.top/alias/signup-stylesheet',
    }),
  ]
  const urls = [
    'https://sagearcade.top/alias/signup-stylesheet',
    'HTTPS://SAGEARCADE.TOP/alias/signup-stylesheet',
    'sagearcade.top/alias/signup-stylesheet',
    'sagearcade.top',
    'https://sagearcade.top/alias/signup-stylesheet/extra',
    'https://other.example/?u=https://sagearcade.top/alias/signup-stylesheet',
  ]

  test('whole URL with or without scheme, ignoring case', () => {
    const result = run(
      spec,
      indicators,
      urls.map((RemoteUrl) => ({ RemoteUrl })),
    )
    assert.deepEqual(
      result.map((row) => row.RemoteUrl),
      urls.slice(0, 3),
    )
  })

  test('root URL has no host-only form', () => {
    const root = [
      testIndicator({ type: 'url', value: 'https://sagearcade.top/' }),
    ]
    const result = run(
      spec,
      root,
      ['sagearcade.top', 'https://sagearcade.top'].map((RemoteUrl) => ({
        RemoteUrl,
      })),
    )
    assert.deepEqual(
      result.map((row) => row.RemoteUrl),
      ['https://sagearcade.top'],
    )
  })
})

describe('hash', () => {
  const spec: HuntSpec = {
    family: 'ClearFake',
    table: 'DeviceFileEvents',
    observable: 'sha256',
  }
  const indicators = threatFoxIndicators(['1856665'])
  const hash = indicators[0].value

  test('upper-case hash matches', () => {
    const [row] = run(spec, indicators, [{ SHA256: hash.toUpperCase() }])
    assert.equal(row.MatchedColumn, 'SHA256')
  })

  test('initiating process hash matches', () => {
    const [row] = run(spec, indicators, [
      { SHA256: '', InitiatingProcessSHA256: hash },
    ])
    assert.equal(row.MatchedColumn, 'InitiatingProcessSHA256')
  })

  test('empty hash columns never match', () => {
    assert.deepEqual(
      run(spec, indicators, [{ SHA256: '', InitiatingProcessSHA256: '' }]),
      [],
    )
  })
})

describe('exclusions at run time', () => {
  const spec: HuntSpec = {
    family: 'DCRat',
    table: 'DeviceNetworkEvents',
    observable: 'ip-port',
  }
  const base = { RemoteIP: '94.26.90.55', RemotePort: 8888 }

  test('Veeam agent in its folder is excluded', () => {
    const row = {
      ...base,
      InitiatingProcessFileName: 'VeeamAgent.exe',
      InitiatingProcessFolderPath:
        'c:\\program files\\veeam\\backup and replication\\veeamagent.exe',
    }
    assert.deepEqual(run(spec, DCRAT, [row]), [])
  })

  test('Veeam name elsewhere is kept', () => {
    const row = {
      ...base,
      InitiatingProcessFileName: 'VeeamAgent.exe',
      InitiatingProcessFolderPath: 'c:\\users\\public\\veeamagent.exe',
    }
    assert.equal(run(spec, DCRAT, [row]).length, 1)
  })

  test('Windows Update to a Microsoft host is excluded', () => {
    const row = {
      ...base,
      RemoteUrl: 'fe2.update.microsoft.com',
      InitiatingProcessFileName: 'wuauclt.exe',
      InitiatingProcessFolderPath: 'c:\\windows\\system32\\wuauclt.exe',
    }
    assert.deepEqual(run(spec, DCRAT, [row]), [])
  })

  test('Windows Update to another host is kept', () => {
    const row = {
      ...base,
      RemoteUrl: 'update.microsoft.com.attacker.example',
      InitiatingProcessFileName: 'wuauclt.exe',
      InitiatingProcessFolderPath: 'c:\\windows\\system32\\wuauclt.exe',
    }
    assert.equal(run(spec, DCRAT, [row]).length, 1)
  })

  test('empty process columns are kept', () => {
    assert.equal(
      run(spec, DCRAT, [{ ...base, InitiatingProcessFileName: '' }]).length,
      1,
    )
  })
})
