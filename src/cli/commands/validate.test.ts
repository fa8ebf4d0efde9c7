import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { Command } from 'commander'
import { main } from '../main.ts'
import { registerValidateCommand } from './validate.ts'

let root: string

// A hunting query as huntpack writes it: comment lines, let statements, then
// the tabular expression.
const GOOD_QUERY =
  '// DCRat: connections to known C2 endpoints\n' +
  '// Source: ThreatFox\n' +
  'let lookback = 14d;\n' +
  'let endpoints = dynamic(["94.26.90.55:8888", "93.177.103.55:9999"]);\n' +
  'DeviceNetworkEvents\n' +
  '| where Timestamp > ago(lookback)\n' +
  '| where strcat(RemoteIP, ":", RemotePort) in (endpoints)\n' +
  '| project Timestamp, DeviceName, RemoteIP, RemotePort\n'

const BAD_QUERY =
  'DeviceNetworkEvents\n' +
  '| where RemoteIp == "94.26.90.55"\n' +
  '| where RemotePort ==\n'

const UNKNOWN_REMOTE_IP =
  "2:9: error: The name 'RemoteIp' does not refer to any known column, table, variable or function."

function write(relative: string, text: string): string {
  const file = path.join(root, relative)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, text)
  return file
}

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'huntpack-validate-'))
})

after(() => {
  rmSync(root, { recursive: true, force: true })
})

interface Run {
  status: number
  stdout: string
  stderr: string
}

// Replaces `stream.write` so that string chunks go to `capture`. The test
// runner sends its own events through this process's stdout as binary
// chunks while a test awaits, so those still reach the real stream.
function capture(
  stream: NodeJS.WriteStream,
  append: (text: string) => void,
): () => void {
  const original = stream.write
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') {
      return (original as (...args: unknown[]) => boolean).call(
        stream,
        chunk,
        ...rest,
      )
    }
    append(chunk)
    return true
  }) as typeof stream.write
  return () => {
    stream.write = original
  }
}

/** Runs `huntpack validate ARGS` through `main` and captures its output. */
async function runMain(...args: string[]): Promise<Run> {
  const captured = { stdout: '', stderr: '' }
  const restoreOut = capture(
    process.stdout,
    (text) => (captured.stdout += text),
  )
  const restoreErr = capture(
    process.stderr,
    (text) => (captured.stderr += text),
  )
  try {
    const status = await main(['node', 'huntpack', 'validate', ...args])
    return { status, ...captured }
  } finally {
    restoreOut()
    restoreErr()
  }
}

test('validate passes a valid file', async () => {
  const file = write('good/DeviceNetworkEvents-ip-port.kql', GOOD_QUERY)

  assert.deepEqual(await runMain(file), {
    status: 0,
    stdout: '1 file checked, 0 with errors: 0 errors, 0 warnings\n',
    stderr: '',
  })
})

test('validate lists errors per file', async () => {
  const good = write('mixed/good.kql', GOOD_QUERY)
  const bad = write('mixed/bad.kql', BAD_QUERY)

  assert.deepEqual(await runMain(good, bad), {
    status: 1,
    stdout:
      `${bad}:${UNKNOWN_REMOTE_IP}\n` +
      `${bad}:3:22: error: Missing expression\n` +
      '2 files checked, 1 with errors: 2 errors, 0 warnings\n',
    stderr: '',
  })
})

test('validate reports missing file', async () => {
  const good = write('missing/good.kql', GOOD_QUERY)
  const missing = path.join(root, 'missing', 'nope.kql')

  assert.deepEqual(await runMain(missing, good), {
    status: 2,
    stdout:
      '1 file checked, 0 with errors: 0 errors, 0 warnings; 1 path could not be checked\n',
    stderr: `${missing}: error: cannot read: no such file or folder (ENOENT)\n`,
  })
})

test('validate exits 2 over errors', async () => {
  const bad = write('both/bad.kql', BAD_QUERY)
  const missing = path.join(root, 'both', 'nope.kql')

  const run = await runMain(bad, missing)

  assert.equal(run.status, 2)
  assert.equal(
    run.stdout.split('\n').at(-2),
    '1 file checked, 1 with errors: 2 errors, 0 warnings; 1 path could not be checked',
  )
})

test('validate reports path through a file', async () => {
  const file = write('notdir/good.kql', GOOD_QUERY)
  const inside = path.join(file, 'inner.kql')

  const run = await runMain(inside)

  assert.equal(run.status, 2)
  assert.equal(
    run.stderr,
    `${inside}: error: cannot read: a part of the path is not a folder (ENOTDIR)\n`,
  )
})

test('validate expands folders', async () => {
  write('tree/dcrat/DeviceNetworkEvents-ip.kql', GOOD_QUERY)
  write('tree/dcrat/README.md', '# not a query')
  write('tree/agent-tesla/CommonSecurityLog-ip.kql', BAD_QUERY)
  write('tree/agent-tesla/indicators.csv', 'value\n')
  const folder = path.join(root, 'tree')
  const bad = path.join(folder, 'agent-tesla', 'CommonSecurityLog-ip.kql')

  assert.deepEqual(await runMain(folder), {
    status: 1,
    stdout:
      `${bad}:${UNKNOWN_REMOTE_IP}\n` +
      `${bad}:3:22: error: Missing expression\n` +
      '2 files checked, 1 with errors: 2 errors, 0 warnings\n',
    stderr: '',
  })
})

test('validate rejects folder without queries', async () => {
  write('empty-package/README.md', '# no queries')
  const folder = path.join(root, 'empty-package')

  assert.deepEqual(await runMain(folder), {
    status: 2,
    stdout:
      '0 files checked, 0 with errors: 0 errors, 0 warnings; 1 path could not be checked\n',
    stderr: `${folder}: error: the folder has no .kql files\n`,
  })
})

test('validate prints warnings without failing', async () => {
  const file = write(
    'warning.kql',
    'union isfuzzy=true DeviceNetworkEvents, DeviceNetworkEvent\n| take 10\n',
  )

  assert.deepEqual(await runMain(file), {
    status: 0,
    stdout:
      `${file}:1:41: warning: The fuzzy name 'DeviceNetworkEvent' does not refer to any known or currently accessible table.\n` +
      '1 file checked, 0 with errors: 0 errors, 1 warning\n',
    stderr: '',
  })
})

test('validate handles BOM and CRLF', async () => {
  const file = write(
    'windows.kql',
    '\ufeff// saved on Windows\r\nDeviceNetworkEvents\r\n| where RemoteIp == "x"\r\n',
  )

  assert.deepEqual(await runMain(file), {
    status: 1,
    stdout:
      `${file}:3:9: error: The name 'RemoteIp' does not refer to any known column, table, variable or function.\n` +
      '1 file checked, 1 with errors: 1 error, 0 warnings\n',
    stderr: '',
  })
})

test('validate rejects empty file', async () => {
  const file = write('empty.kql', '')

  assert.deepEqual(await runMain(file), {
    status: 1,
    stdout:
      `${file}:1:1: error: The query has no tabular expression statement, so it returns no table; end it with one, for example a table name followed by operators.\n` +
      '1 file checked, 1 with errors: 1 error, 0 warnings\n',
    stderr: '',
  })
})

test('validate requires a path', async () => {
  assert.deepEqual(await runMain(), {
    status: 1,
    stdout: '',
    stderr: "error: missing required argument 'path'\n",
  })
})

test('validate shows progress on a TTY', async () => {
  const file = write('progress.kql', GOOD_QUERY)
  const run = async (env: NodeJS.ProcessEnv) => {
    const captured = { stdout: '', stderr: '' }
    const program = new Command('huntpack').exitOverride()
    registerValidateCommand(program, {
      stdout: { write: (text: string) => (captured.stdout += text) },
      stderr: {
        write: (text: string) => (captured.stderr += text),
        isTTY: true,
      },
      env,
    })
    await program.parseAsync(['validate', file], { from: 'user' })
    return captured
  }

  const terminal = await run({})
  const ci = await run({ CI: 'true' })

  assert.match(terminal.stderr, /Validating queries/)
  assert.equal(
    terminal.stdout,
    '1 file checked, 0 with errors: 0 errors, 0 warnings\n',
  )
  assert.equal(ci.stderr, '')
})
