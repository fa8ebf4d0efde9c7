import { joinIpAndPort } from '../build-feed-record.ts'
import type {
  StixComparison,
  StixComparisonExpression,
  StixLiteral,
  StixObjectPath,
  StixObservation,
  StixObservationExpression,
} from './stix-pattern.ts'

/** One indicator a pattern detects. */
export interface PatternObservable {
  /** ThreatFox type name: `ip`, `ip:port`, `domain`, `url` or `*_hash`. */
  feedType: string
  value: string
}

/** A part of a pattern that yields no indicator, and why. */
export interface PatternProblem {
  /** The text of that part of the pattern. */
  text: string
  problem: string
}

/** Indicators of a pattern, and the parts of it that yield none. */
export interface PatternContent {
  observables: PatternObservable[]
  problems: PatternProblem[]
}

type ConjunctionOutcome = PatternObservable[] | PatternProblem

// An observation with OR inside AND expands to the product of its parts,
// for example (a OR b) AND (c OR d) to four combinations. The bound keeps
// a hostile pattern from exhausting memory; real IOC patterns have one.
const MAX_COMBINATIONS = 10_000

const HASH_TYPES = new Map([
  ['MD5', 'md5_hash'],
  ['SHA1', 'sha1_hash'],
  ['SHA256', 'sha256_hash'],
])

const OPERATOR_MEANINGS = new Map([
  ['!=', 'a value that differs'],
  ['<', 'a range of values'],
  ['<=', 'a range of values'],
  ['>', 'a range of values'],
  ['>=', 'a range of values'],
  ['LIKE', 'a wildcard match'],
  ['MATCHES', 'a regular expression'],
  ['ISSUBSET', 'an address range'],
  ['ISSUPERSET', 'an address range'],
  ['EXISTS', 'the presence of a property'],
])

const QUALIFIER_NAMES = new Map([
  ['WITHIN', 'WITHIN'],
  ['REPEATS', 'REPEATS'],
  ['START', 'START/STOP'],
])

const SUPPORTED_OBJECT_TYPES =
  'ipv4-addr, ipv6-addr, domain-name, url, file, artifact and network-traffic'

/**
 * Reads the indicators of a parsed STIX pattern:
 *
 * - Observation expressions joined with OR each yield their indicators.
 * - Inside one observation, comparisons are expanded to their combinations
 *   (OR) of comparisons that must all hold (AND). Each combination yields
 *   one indicator: `ipv4-addr:value`, `ipv6-addr:value`,
 *   `domain-name:value` or `url:value` with `=`, or
 *   `network-traffic:dst_ref.value`, whose `dst_port` joined with AND makes
 *   it one `ip:port`. `IN (...)` counts as one `=` per value.
 * - A file (or artifact) combination yields each of its MD5, SHA-1 and
 *   SHA-256 hashes (`file:hashes.'SHA-256'`, `file:hashes.MD5`). Other
 *   file properties in it, such as `file:name`, are ignored, because the
 *   hash already identifies the file.
 * - Everything else becomes a problem with the text it is about. Such are
 *   NOT, operators other than `=` and `IN` (MATCHES, LIKE, ISSUBSET...),
 *   CIDR ranges other than /32 and /128, other object types and
 *   properties, and comparisons on two objects joined with AND.
 * - The observation-level AND, FOLLOWEDBY, WITHIN, REPEATS and START/STOP
 *   are problems too, because they need several observations in time,
 *   which a hunt of single indicators cannot check.
 */
export function readPatternObservables(
  expression: StixObservationExpression,
  pattern: string,
): PatternContent {
  const content: PatternContent = { observables: [], problems: [] }
  collectObservables(expression, pattern, content)
  return content
}

function collectObservables(
  expression: StixObservationExpression,
  pattern: string,
  content: PatternContent,
): void {
  const text = pattern.slice(expression.start, expression.end)
  switch (expression.kind) {
    case 'observation-or':
      for (const operand of expression.operands) {
        collectObservables(operand, pattern, content)
      }
      return
    case 'observation':
      readObservation(expression, pattern, content)
      return
    case 'observation-and':
      content.problems.push({
        text,
        problem:
          'observation expressions joined with AND are not supported: all of them must be observed, and huntpack hunts each indicator on its own',
      })
      return
    case 'followed-by':
      content.problems.push({
        text,
        problem:
          'FOLLOWEDBY is not supported: it needs observations in order, and huntpack hunts each indicator on its own',
      })
      return
    case 'qualified':
      content.problems.push({
        text,
        problem: `the qualifier ${QUALIFIER_NAMES.get(expression.qualifier)} is not supported: it limits when or how often observations happen, which a hunt of single indicators cannot check`,
      })
  }
}

function readObservation(
  observation: StixObservation,
  pattern: string,
  content: PatternContent,
): void {
  const text = pattern.slice(observation.start, observation.end)
  const conjunctions = expandConjunctions(observation.comparison)
  if (conjunctions === undefined) {
    content.problems.push({
      text,
      problem: `the observation expands to more than ${MAX_COMBINATIONS} combinations of comparisons`,
    })
    return
  }

  for (const conjunction of conjunctions) {
    const outcome = readConjunction(conjunction, pattern, text)
    if (Array.isArray(outcome)) {
      content.observables.push(...outcome)
    } else {
      content.problems.push(outcome)
    }
  }
}

// Expands comparisons to OR-ed lists of AND-ed comparisons, or returns
// undefined when there are more than MAX_COMBINATIONS.
function expandConjunctions(
  expression: StixComparisonExpression,
): StixComparison[][] | undefined {
  if (expression.kind === 'comparison') return expandComparison(expression)

  const parts: StixComparison[][][] = []
  for (const operand of expression.operands) {
    const expanded = expandConjunctions(operand)
    if (expanded === undefined) return undefined
    parts.push(expanded)
  }
  return expression.kind === 'or' ? concatenate(parts) : multiply(parts)
}

function expandComparison(comparison: StixComparison): StixComparison[][] {
  const { operator, negated, value } = comparison
  if (
    operator !== 'IN' ||
    negated ||
    !Array.isArray(value) ||
    value.length === 0
  ) {
    return [[comparison]]
  }
  return value.map((literal) => [
    { ...comparison, operator: '=', value: literal },
  ])
}

function concatenate(
  parts: StixComparison[][][],
): StixComparison[][] | undefined {
  const result = parts.flat()
  return result.length > MAX_COMBINATIONS ? undefined : result
}

function multiply(parts: StixComparison[][][]): StixComparison[][] | undefined {
  let result: StixComparison[][] = [[]]
  for (const part of parts) {
    if (result.length * part.length > MAX_COMBINATIONS) return undefined
    result = result.flatMap((left) => part.map((right) => [...left, ...right]))
  }
  return result
}

function readConjunction(
  comparisons: StixComparison[],
  pattern: string,
  observationText: string,
): ConjunctionOutcome {
  for (const comparison of comparisons) {
    const problem = operatorProblem(comparison)
    if (problem !== undefined) {
      return { text: pattern.slice(comparison.start, comparison.end), problem }
    }
  }

  const objectTypes = [
    ...new Set(comparisons.map((item) => item.path.objectType)),
  ]
  if (objectTypes.length > 1) {
    return {
      text: observationText,
      problem: `comparisons on different objects (${objectTypes.join(', ')}) joined with AND are not supported: huntpack hunts each indicator on its own`,
    }
  }

  const reader = OBJECT_READERS.get(objectTypes[0])
  if (reader === undefined) {
    return {
      text: observationText,
      problem: `STIX object type "${objectTypes[0]}" is not an indicator type huntpack reads (it reads ${SUPPORTED_OBJECT_TYPES})`,
    }
  }
  return reader(comparisons, observationText)
}

function operatorProblem(comparison: StixComparison): string | undefined {
  if (comparison.negated) {
    return 'NOT is not supported: huntpack hunts values that match, not values that do not'
  }
  if (comparison.operator === 'IN') {
    return 'IN with an empty set matches nothing'
  }
  const meaning = OPERATOR_MEANINGS.get(comparison.operator)
  if (meaning === undefined) return undefined
  return `the operator ${comparison.operator} is not supported: it tests ${meaning}, and huntpack hunts exact values`
}

type ObjectReader = (
  comparisons: StixComparison[],
  observationText: string,
) => ConjunctionOutcome

const OBJECT_READERS = new Map<string, ObjectReader>([
  ['ipv4-addr', (items, text) => readValueObject(items, text, 'ip')],
  ['ipv6-addr', (items, text) => readValueObject(items, text, 'ip')],
  ['domain-name', (items, text) => readValueObject(items, text, 'domain')],
  ['url', (items, text) => readValueObject(items, text, 'url')],
  ['file', readFileObject],
  ['artifact', readFileObject],
  ['network-traffic', readNetworkTraffic],
])

// An object whose only indicator property is `value`.
function readValueObject(
  comparisons: StixComparison[],
  observationText: string,
  feedType: string,
): ConjunctionOutcome {
  const values = new Set<string>()
  for (const comparison of comparisons) {
    const path = formatPath(comparison.path)
    if (pathText(comparison.path) !== 'value') {
      return unsupportedProperty(comparison, observationText)
    }
    const value = stringOf(comparison.value)
    if (value === undefined) return notAStringProblem(path, observationText)
    values.add(value)
  }
  if (values.size > 1) return contradiction(observationText)

  const [value] = values
  if (feedType !== 'ip') return [{ feedType, value }]
  const address = singleAddress(value)
  if (address === undefined) return cidrProblem(value, observationText)
  return [{ feedType, value: address }]
}

function readFileObject(
  comparisons: StixComparison[],
  observationText: string,
): ConjunctionOutcome {
  const hashes = new Map<string, Set<string>>()
  const unsupportedHashes: string[] = []
  for (const comparison of comparisons) {
    const [first, second] = comparison.path.steps
    if (!('key' in first) || first.key !== 'hashes' || second === undefined) {
      continue
    }
    const algorithm = 'key' in second ? second.key : ''
    const feedType = HASH_TYPES.get(
      algorithm.toUpperCase().replace(/[-_]/g, ''),
    )
    if (feedType === undefined) {
      unsupportedHashes.push(algorithm)
      continue
    }
    const value = stringOf(comparison.value)
    if (value === undefined) {
      return notAStringProblem(formatPath(comparison.path), observationText)
    }
    hashes.set(feedType, (hashes.get(feedType) ?? new Set()).add(value))
  }
  return fileObservables(
    hashes,
    unsupportedHashes,
    comparisons,
    observationText,
  )
}

function fileObservables(
  hashes: Map<string, Set<string>>,
  unsupportedHashes: string[],
  comparisons: StixComparison[],
  observationText: string,
): ConjunctionOutcome {
  if (hashes.size === 0) {
    const problem =
      unsupportedHashes.length > 0
        ? `the hash algorithm ${unsupportedHashes.join(', ')} is not supported: huntpack hunts MD5, SHA-1 and SHA-256`
        : `${formatPath(comparisons[0].path)} is not an indicator huntpack hunts: a file needs an MD5, SHA-1 or SHA-256 hash`
    return { text: observationText, problem }
  }

  const observables: PatternObservable[] = []
  for (const [feedType, values] of hashes) {
    if (values.size > 1) return contradiction(observationText)
    observables.push({ feedType, value: [...values][0] })
  }
  return observables
}

function readNetworkTraffic(
  comparisons: StixComparison[],
  observationText: string,
): ConjunctionOutcome {
  const addresses = new Map<string, Set<string>>()
  const ports = new Set<string>()
  const refTypes = new Set<string>()
  for (const comparison of comparisons) {
    const path = pathText(comparison.path)
    const value = literalText(comparison.value)
    if (path === 'dst_ref.value' || path === 'src_ref.value') {
      if (comparison.value === undefined || !isString(comparison.value)) {
        return notAStringProblem(formatPath(comparison.path), observationText)
      }
      const end = path.slice(0, 3)
      addresses.set(end, (addresses.get(end) ?? new Set()).add(value))
    } else if (path === 'dst_port') {
      if (!/^\d+$/.test(value))
        return invalidPortProblem(value, observationText)
      ports.add(value)
    } else if (path === 'dst_ref.type' || path === 'src_ref.type') {
      refTypes.add(value)
    } else if (!/^protocols\[/.test(path)) {
      // The protocol does not change which address and port to hunt.
      return unsupportedProperty(comparison, observationText)
    }
  }
  return networkObservables(addresses, ports, refTypes, observationText)
}

function networkObservables(
  addresses: Map<string, Set<string>>,
  ports: Set<string>,
  refTypes: Set<string>,
  observationText: string,
): ConjunctionOutcome {
  const problem = (text: string): PatternProblem => ({
    text: observationText,
    problem: text,
  })
  if (addresses.size > 1) {
    return problem(
      'network traffic with both src_ref and dst_ref is not supported: huntpack hunts each address on its own',
    )
  }
  if (addresses.size === 0) {
    return problem(
      'network traffic without dst_ref.value has no address to hunt',
    )
  }

  const [[end, values]] = addresses
  if (values.size > 1 || ports.size > 1 || refTypes.size > 1) {
    return contradiction(observationText)
  }
  if (end === 'src' && ports.size > 0) {
    return problem(
      'dst_port with src_ref.value is not supported: the port belongs to the other end of the connection',
    )
  }

  const [value] = values
  const [port] = ports
  if (refTypes.has('domain-name')) {
    if (port !== undefined) {
      return problem(
        'a domain name with a port is not supported: huntpack hunts ports of IP addresses',
      )
    }
    return [{ feedType: 'domain', value }]
  }

  const address = singleAddress(value)
  if (address === undefined) return cidrProblem(value, observationText)
  if (port === undefined) return [{ feedType: 'ip', value: address }]
  return [{ feedType: 'ip:port', value: joinIpAndPort(address, port) }]
}

/**
 * Returns the address of `value` without a CIDR prefix of one address
 * (/32 for IPv4, /128 for IPv6), the value itself when it has no prefix,
 * and undefined for a wider range.
 */
export function singleAddress(value: string): string | undefined {
  const slash = value.lastIndexOf('/')
  if (slash === -1) return value

  const prefix = value.slice(slash + 1)
  const address = value.slice(0, slash)
  const single = address.includes(':') ? '128' : '32'
  return prefix === single ? address : undefined
}

function cidrProblem(value: string, observationText: string): PatternProblem {
  return {
    text: observationText,
    problem: `the CIDR range "${value}" is not supported: huntpack hunts single IP addresses`,
  }
}

function contradiction(observationText: string): PatternProblem {
  return {
    text: observationText,
    problem:
      'the comparisons joined with AND require two different values of one property, which no object has',
  }
}

function unsupportedProperty(
  comparison: StixComparison,
  observationText: string,
): PatternProblem {
  return {
    text: observationText,
    problem: `the property ${formatPath(comparison.path)} is not supported`,
  }
}

function notAStringProblem(
  path: string,
  observationText: string,
): PatternProblem {
  return {
    text: observationText,
    problem: `${path} is compared with a value that is not a string`,
  }
}

function invalidPortProblem(
  value: string,
  observationText: string,
): PatternProblem {
  return {
    text: observationText,
    problem: `invalid port "${value}": expected a whole number`,
  }
}

function stringOf(value: StixComparison['value']): string | undefined {
  return value !== undefined && isString(value) ? value.value : undefined
}

function isString(
  value: StixLiteral | StixLiteral[],
): value is StixLiteral & { kind: 'string' } {
  return !Array.isArray(value) && value.kind === 'string'
}

function literalText(value: StixComparison['value']): string {
  if (value === undefined || Array.isArray(value)) return ''
  return String(value.value)
}

// The path after the object type, such as `dst_ref.value` or
// `protocols[*]`, with keys as written.
function pathText(path: StixObjectPath): string {
  return path.steps
    .map((step, index) => {
      if ('index' in step) return `[${step.index}]`
      return index === 0 ? step.key : `.${step.key}`
    })
    .join('')
}

/** Formats a path as a pattern writes it, such as `file:hashes.'SHA-256'`. */
export function formatPath(path: StixObjectPath): string {
  const steps = path.steps.map((step, index) => {
    if ('index' in step) return `[${step.index}]`
    const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.key)
      ? step.key
      : `'${step.key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
    return index === 0 ? key : `.${key}`
  })
  return `${path.objectType}:${steps.join('')}`
}
