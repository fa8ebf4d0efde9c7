import assert from 'node:assert/strict'
import { test } from 'node:test'

import { parseStixPattern } from './stix-pattern-parser.ts'
import {
  readPatternObservables,
  type PatternContent,
} from './stix-pattern-observables.ts'

function read(pattern: string): PatternContent {
  return readPatternObservables(parseStixPattern(pattern), pattern)
}

function assertProblem(pattern: string, text: string, problem: string) {
  assert.deepEqual(read(pattern), {
    observables: [],
    problems: [{ text, problem }],
  })
}

test('observables network traffic address and port', () => {
  const content = read(
    "[network-traffic:dst_ref.value = '203.0.113.20' AND network-traffic:dst_port = 8443]",
  )
  assert.deepEqual(content, {
    observables: [{ feedType: 'ip:port', value: '203.0.113.20:8443' }],
    problems: [],
  })
})

test('observables port before address', () => {
  const content = read(
    "[network-traffic:dst_port = 8443 AND network-traffic:dst_ref.value = '203.0.113.20' AND network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:protocols[*] = 'tcp']",
  )
  assert.deepEqual(content.observables, [
    { feedType: 'ip:port', value: '203.0.113.20:8443' },
  ])
})

test('observables IPv6 address and port', () => {
  const content = read(
    "[network-traffic:dst_ref.value = '2001:db8::1' AND network-traffic:dst_port = 8080]",
  )
  assert.deepEqual(content.observables, [
    { feedType: 'ip:port', value: '[2001:db8::1]:8080' },
  ])
})

test('observables address without port', () => {
  assert.deepEqual(read("[network-traffic:dst_ref.value = '203.0.113.20']"), {
    observables: [{ feedType: 'ip', value: '203.0.113.20' }],
    problems: [],
  })
})

test('observables OR gives several', () => {
  const content = read(
    "[ipv4-addr:value = '198.51.100.1' OR ipv6-addr:value = '2001:db8::2' OR domain-name:value = 'bad-example.com'] OR ([url:value = 'https://bad-example.com/gate.php'] OR [file:hashes.MD5 = 'b8a89ec3fffab735bb689532f1d2410f'])",
  )
  assert.deepEqual(content, {
    observables: [
      { feedType: 'ip', value: '198.51.100.1' },
      { feedType: 'ip', value: '2001:db8::2' },
      { feedType: 'domain', value: 'bad-example.com' },
      { feedType: 'url', value: 'https://bad-example.com/gate.php' },
      { feedType: 'md5_hash', value: 'b8a89ec3fffab735bb689532f1d2410f' },
    ],
    problems: [],
  })
})

test('observables OR of ports', () => {
  const content = read(
    "[network-traffic:dst_ref.value = '203.0.113.20' AND (network-traffic:dst_port = 443 OR network-traffic:dst_port = 8443)]",
  )
  assert.deepEqual(content.observables, [
    { feedType: 'ip:port', value: '203.0.113.20:443' },
    { feedType: 'ip:port', value: '203.0.113.20:8443' },
  ])
})

test('observables IN set', () => {
  const content = read(
    "[domain-name:value IN ('bad-example.com', 'worse-example.net')]",
  )
  assert.deepEqual(content.observables, [
    { feedType: 'domain', value: 'bad-example.com' },
    { feedType: 'domain', value: 'worse-example.net' },
  ])
})

test('observables file hashes quoted and unquoted', () => {
  const content = read(
    "[file:hashes.'SHA-256' = '991993be4623d5317e4ff9ba034fabeffcc81ec70c65ff7067fd68a7cfb13b28' AND file:hashes.'SHA-1' = '0f01136f38ea50a6bebfd58c181622ad00c40723' AND file:hashes.MD5 = 'b8a89ec3fffab735bb689532f1d2410f' AND file:name = 'kill.elf']",
  )
  assert.deepEqual(content.observables, [
    {
      feedType: 'sha256_hash',
      value: '991993be4623d5317e4ff9ba034fabeffcc81ec70c65ff7067fd68a7cfb13b28',
    },
    {
      feedType: 'sha1_hash',
      value: '0f01136f38ea50a6bebfd58c181622ad00c40723',
    },
    { feedType: 'md5_hash', value: 'b8a89ec3fffab735bb689532f1d2410f' },
  ])
})

test('observables unquoted hyphenated hash key', () => {
  const content = read(
    "[file:hashes.SHA-256 = '991993be4623d5317e4ff9ba034fabeffcc81ec70c65ff7067fd68a7cfb13b28']",
  )
  assert.equal(content.observables[0]?.feedType, 'sha256_hash')
})

test('observables escaped URL', () => {
  const content = read("[url:value = 'http://203.0.113.7:6600/it\\'s\\\\']")
  assert.deepEqual(content.observables, [
    { feedType: 'url', value: "http://203.0.113.7:6600/it's\\" },
  ])
})

test('observables single-address CIDR', () => {
  const content = read(
    "[ipv4-addr:value = '198.51.100.7/32' OR ipv6-addr:value = '2001:db8::7/128']",
  )
  assert.deepEqual(content.observables, [
    { feedType: 'ip', value: '198.51.100.7' },
    { feedType: 'ip', value: '2001:db8::7' },
  ])
})

test('observables CIDR range', () => {
  assertProblem(
    "[ipv4-addr:value = '198.51.100.0/24']",
    "[ipv4-addr:value = '198.51.100.0/24']",
    'the CIDR range "198.51.100.0/24" is not supported: huntpack hunts single IP addresses',
  )
})

test('observables CIDR range in network traffic', () => {
  assertProblem(
    "[network-traffic:dst_ref.value = '198.51.100.0/24' AND network-traffic:dst_port = 443]",
    "[network-traffic:dst_ref.value = '198.51.100.0/24' AND network-traffic:dst_port = 443]",
    'the CIDR range "198.51.100.0/24" is not supported: huntpack hunts single IP addresses',
  )
})

test('observables unsupported operators', () => {
  const cases: Array<[string, string, string]> = [
    [
      "[domain-name:value MATCHES '^bad-']",
      "domain-name:value MATCHES '^bad-'",
      'the operator MATCHES is not supported: it tests a regular expression, and huntpack hunts exact values',
    ],
    [
      "[domain-name:value LIKE 'bad-%']",
      "domain-name:value LIKE 'bad-%'",
      'the operator LIKE is not supported: it tests a wildcard match, and huntpack hunts exact values',
    ],
    [
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
      "ipv4-addr:value ISSUBSET '198.51.100.0/24'",
      'the operator ISSUBSET is not supported: it tests an address range, and huntpack hunts exact values',
    ],
    [
      "[ipv4-addr:value ISSUPERSET '198.51.100.1']",
      "ipv4-addr:value ISSUPERSET '198.51.100.1'",
      'the operator ISSUPERSET is not supported: it tests an address range, and huntpack hunts exact values',
    ],
    [
      "[ipv4-addr:value != '198.51.100.1']",
      "ipv4-addr:value != '198.51.100.1'",
      'the operator != is not supported: it tests a value that differs, and huntpack hunts exact values',
    ],
    [
      '[network-traffic:dst_port > 1024]',
      'network-traffic:dst_port > 1024',
      'the operator > is not supported: it tests a range of values, and huntpack hunts exact values',
    ],
    [
      '[EXISTS file:name]',
      'EXISTS file:name',
      'the operator EXISTS is not supported: it tests the presence of a property, and huntpack hunts exact values',
    ],
    [
      "[ipv4-addr:value NOT = '198.51.100.1']",
      "ipv4-addr:value NOT = '198.51.100.1'",
      'NOT is not supported: huntpack hunts values that match, not values that do not',
    ],
    [
      "[ipv4-addr:value NOT IN ('198.51.100.1')]",
      "ipv4-addr:value NOT IN ('198.51.100.1')",
      'NOT is not supported: huntpack hunts values that match, not values that do not',
    ],
    [
      '[ipv4-addr:value IN ()]',
      'ipv4-addr:value IN ()',
      'IN with an empty set matches nothing',
    ],
  ]
  for (const [pattern, text, problem] of cases) {
    assert.deepEqual(
      read(pattern),
      { observables: [], problems: [{ text, problem }] },
      pattern,
    )
  }
})

test('observables unsupported part beside a supported one', () => {
  const content = read(
    "[domain-name:value = 'bad-example.com' OR domain-name:value MATCHES '^bad-']",
  )
  assert.deepEqual(content, {
    observables: [{ feedType: 'domain', value: 'bad-example.com' }],
    problems: [
      {
        text: "domain-name:value MATCHES '^bad-'",
        problem:
          'the operator MATCHES is not supported: it tests a regular expression, and huntpack hunts exact values',
      },
    ],
  })
})

test('observables FOLLOWEDBY', () => {
  const pattern =
    "[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [domain-name:value = 'bad-example.com']"
  assertProblem(
    pattern,
    pattern,
    'FOLLOWEDBY is not supported: it needs observations in order, and huntpack hunts each indicator on its own',
  )
})

test('observables observation AND', () => {
  const pattern =
    "[ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'bad-example.com']"
  assertProblem(
    pattern,
    pattern,
    'observation expressions joined with AND are not supported: all of them must be observed, and huntpack hunts each indicator on its own',
  )
})

test('observables qualifiers', () => {
  const cases: Array<[string, string]> = [
    ["[url:value = 'http://bad-example.com/'] WITHIN 60 SECONDS", 'WITHIN'],
    ["[url:value = 'http://bad-example.com/'] REPEATS 3 TIMES", 'REPEATS'],
    [
      "[url:value = 'http://bad-example.com/'] START t'2026-01-01T00:00:00Z' STOP t'2026-02-01T00:00:00Z'",
      'START/STOP',
    ],
  ]
  for (const [pattern, name] of cases) {
    assertProblem(
      pattern,
      pattern,
      `the qualifier ${name} is not supported: it limits when or how often observations happen, which a hunt of single indicators cannot check`,
    )
  }
})

test('observables OR beside FOLLOWEDBY', () => {
  const content = read(
    "[url:value = 'http://bad-example.com/a'] OR ([ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.2'])",
  )
  assert.deepEqual(content.observables, [
    { feedType: 'url', value: 'http://bad-example.com/a' },
  ])
  assert.deepEqual(
    content.problems.map((item) => item.text),
    [
      "([ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.2'])",
    ],
  )
})

test('observables two objects joined with AND', () => {
  const pattern =
    "[ipv4-addr:value = '198.51.100.1' AND domain-name:value = 'bad-example.com']"
  assertProblem(
    pattern,
    pattern,
    'comparisons on different objects (ipv4-addr, domain-name) joined with AND are not supported: huntpack hunts each indicator on its own',
  )
})

test('observables contradictory values', () => {
  const pattern =
    "[ipv4-addr:value = '198.51.100.1' AND ipv4-addr:value = '198.51.100.2']"
  assertProblem(
    pattern,
    pattern,
    'the comparisons joined with AND require two different values of one property, which no object has',
  )
})

test('observables unsupported object type', () => {
  const pattern = "[process:name = 'evil.exe']"
  assertProblem(
    pattern,
    pattern,
    'STIX object type "process" is not an indicator type huntpack reads (it reads ipv4-addr, ipv6-addr, domain-name, url, file, artifact and network-traffic)',
  )
})

test('observables unsupported property', () => {
  assertProblem(
    "[ipv4-addr:resolves_to_refs[*].value = 'aa:bb:cc:dd:ee:ff']",
    "[ipv4-addr:resolves_to_refs[*].value = 'aa:bb:cc:dd:ee:ff']",
    'the property ipv4-addr:resolves_to_refs[*].value is not supported',
  )
  assertProblem(
    "[network-traffic:dst_ref.value = '203.0.113.20' AND network-traffic:src_port = 5000]",
    "[network-traffic:dst_ref.value = '203.0.113.20' AND network-traffic:src_port = 5000]",
    'the property network-traffic:src_port is not supported',
  )
})

test('observables unsupported hash algorithm', () => {
  const pattern = "[file:hashes.'SHA-512' = 'ab']"
  assertProblem(
    pattern,
    pattern,
    'the hash algorithm SHA-512 is not supported: huntpack hunts MD5, SHA-1 and SHA-256',
  )
})

test('observables file name alone', () => {
  const pattern = "[file:name = 'invoice.exe']"
  assertProblem(
    pattern,
    pattern,
    'file:name is not an indicator huntpack hunts: a file needs an MD5, SHA-1 or SHA-256 hash',
  )
})

test('observables port without address', () => {
  const pattern = '[network-traffic:dst_port = 8443]'
  assertProblem(
    pattern,
    pattern,
    'network traffic without dst_ref.value has no address to hunt',
  )
})

test('observables invalid port literal', () => {
  const pattern =
    "[network-traffic:dst_ref.value = '203.0.113.20' AND network-traffic:dst_port = 'https']"
  assertProblem(
    pattern,
    pattern,
    'invalid port "https": expected a whole number',
  )
})

test('observables domain reference with port', () => {
  const pattern =
    "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'bad-example.com' AND network-traffic:dst_port = 443]"
  assertProblem(
    pattern,
    pattern,
    'a domain name with a port is not supported: huntpack hunts ports of IP addresses',
  )
})

test('observables domain reference without port', () => {
  const content = read(
    "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'bad-example.com']",
  )
  assert.deepEqual(content.observables, [
    { feedType: 'domain', value: 'bad-example.com' },
  ])
})

test('observables source address', () => {
  assert.deepEqual(
    read("[network-traffic:src_ref.value = '198.51.100.9']").observables,
    [{ feedType: 'ip', value: '198.51.100.9' }],
  )
  const pattern =
    "[network-traffic:src_ref.value = '198.51.100.9' AND network-traffic:dst_port = 22]"
  assertProblem(
    pattern,
    pattern,
    'dst_port with src_ref.value is not supported: the port belongs to the other end of the connection',
  )
})

test('observables value not a string', () => {
  const pattern = '[ipv4-addr:value = 3405803796]'
  assertProblem(
    pattern,
    pattern,
    'ipv4-addr:value is compared with a value that is not a string',
  )
})

test('observables too many combinations', () => {
  const group = (name: string) =>
    `(${Array.from({ length: 101 }, (_, index) => `url:value = '${name}${index}'`).join(' OR ')})`
  const pattern = `[${group('a')} AND ${group('b')}]`
  assertProblem(
    pattern,
    pattern,
    'the observation expands to more than 10000 combinations of comparisons',
  )
})
