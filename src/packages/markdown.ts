/**
 * The one place where text becomes Markdown. Package READMEs show feed
 * values (family names, aliases, tags, indicator values) that an attacker can
 * choose, so every value goes through {@link escapeMarkdown} or
 * {@link markdownCodeSpan} and no other code writes a feed value into a
 * README. Both keep a value inside one GitHub-flavoured Markdown table cell.
 */

// Line breaks become `<br>` so that a value keeps its lines and stays inside
// its table row. GitHub renders `<br>` inside table cells.
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/gu

// C0 control characters other than tab and line breaks, DEL, C1 control
// characters, and the bidirectional formatting characters, which could make
// a value display as a different value ("Trojan Source", CVE-2021-42574).
// They are shown as `U+XXXX` text.
const INVISIBLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

// Characters that start Markdown or HTML in the middle of a line. These are
// code spans, emphasis, links, HTML tags, GFM strikethrough and table cells,
// and an `&` that would start an entity. GFM also needs the `:` of `://` or
// the `.` of `www.` to turn a bare URL into a link. A backslash before any
// ASCII punctuation character is a CommonMark escape, so every escaped
// character renders as itself. Other punctuation stays as is, for readable
// source.
// NOTE: GitHub still links a bare e-mail address such as `a@b.example`,
// because cmark-gfm finds those after escapes are resolved.
const MARKDOWN_SYNTAX =
  /[\\`*_[\]<>|~]|&(?=#?[0-9a-z]+;)|:(?=\/\/)|(?<=www)\./gi

function codePointLabel(character: string): string {
  const code = character.codePointAt(0)!.toString(16).toUpperCase()
  return `U+${code.padStart(4, '0')}`
}

/**
 * Escapes `text` for inline Markdown: a paragraph, a list item or a table
 * cell. The result renders as exactly the characters of `text`, except that
 * line breaks render as `<br>` line breaks and invisible control and
 * bidirectional formatting characters render as `U+XXXX`. It never starts a
 * block (heading, list, quote), a link, HTML or a table cell boundary, as long
 * as the caller does not put it at the start of a line.
 *
 * @example escapeMarkdown('a|b <i>') // returns 'a\\|b \\<i\\>'
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(MARKDOWN_SYNTAX, (character) => `\\${character}`)
    .replace(INVISIBLE, codePointLabel)
    .replace(LINE_BREAK, '<br>')
}

/**
 * Writes `text` as a code span, so that it renders in a monospaced font with
 * no Markdown, HTML or link inside it. The fence is one backtick longer than
 * the longest backtick run in `text`. Line breaks and invisible characters
 * render as `U+XXXX`, because a code span cannot contain `<br>`. In a GFM
 * table cell (`context` `'table'`, the default) a pipe is written as `\|`,
 * which GFM turns back into `|`. Elsewhere a pipe is inert and written as
 * is. An empty `text` returns an empty string.
 */
export function markdownCodeSpan(
  text: string,
  context: 'table' | 'text' = 'table',
): string {
  if (text === '') return ''
  const visible = text
    .replace(INVISIBLE, codePointLabel)
    .replace(/[\n\r\u2028\u2029]/gu, codePointLabel)
    .replace(/\|/g, context === 'table' ? '\\|' : '|')
  const longestRun = Math.max(
    0,
    ...(visible.match(/`+/g) ?? []).map((run) => run.length),
  )
  const fence = '`'.repeat(longestRun + 1)
  // CommonMark strips one space from each side of a code span, so a value
  // that starts or ends with a backtick or a space gets one of its own.
  const pad = /^[` ]|[` ]$/.test(visible) ? ' ' : ''
  return `${fence}${pad}${visible}${pad}${fence}`
}

/**
 * Writes `text` as a fenced code block with the info string `language`. The
 * block's content is `text` byte for byte, so the block can be checked
 * against the file it came from. The fence is longer than any backtick run
 * at the start of a line in `text`, so nothing in `text` can close it early.
 */
export function markdownCodeBlock(text: string, language: string): string {
  const runs = text.match(/^ {0,3}`{3,}/gm) ?? []
  const longestRun = Math.max(2, ...runs.map((run) => run.trim().length))
  const fence = '`'.repeat(longestRun + 1)
  const body = text.endsWith('\n') ? text : `${text}\n`
  return `${fence}${language}\n${body}${fence}\n`
}
