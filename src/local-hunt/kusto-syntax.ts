import { createRequire } from 'node:module'

import type { KqlPosition } from './kql-translation-error.ts'

/**
 * A node of the Kusto syntax tree as the Bridge.NET build of
 * Kusto.Language exposes it. Typed properties (`Left`, `Expressions`, ...)
 * differ per node class, so they are read through {@link child}.
 */
export interface SyntaxNode {
  Kind: number
  ChildCount: number
  GetChild(index: number): SyntaxNode | null
  /** Offset of the node's first character, leading trivia excluded. */
  TextStart: number
  IsToken: boolean
  /** Token text; set on tokens only. */
  Text?: string
  /** Decoded value of a literal expression. */
  LiteralValue?: unknown
}

interface Diagnostic {
  Message: string
  Start: number
  Severity: string
}

interface KustoCode {
  Syntax: SyntaxNode
  GetDiagnostics(): { Count: number; getItem(index: number): Diagnostic }
}

interface KustoLanguage {
  KustoCode: { Parse(text: string): KustoCode }
  Syntax: { SyntaxKind: Record<string, number> & { $names?: string[] } }
}

let language: KustoLanguage | undefined
let kindNames: Map<number, string> | undefined

/**
 * Loads Kusto.Language once per process. When another part of huntpack (the
 * KQL validator) has already loaded it, the global `Kusto.Language` is reused
 * instead of evaluating the 5 MB bridge script again.
 */
export function kustoLanguage(): KustoLanguage {
  if (language) return language
  const loaded = (globalThis as { Kusto?: { Language?: KustoLanguage } }).Kusto
  if (!loaded?.Language?.KustoCode) {
    const require = createRequire(import.meta.url)
    require('@kusto/language-service-next/bridge.js')
    require('@kusto/language-service-next/Kusto.Language.Bridge.js')
  }
  language = (globalThis as { Kusto?: { Language?: KustoLanguage } }).Kusto!
    .Language!
  return language
}

/** Returns the SyntaxKind name of a node, for example `FilterOperator`. */
export function kindName(node: SyntaxNode): string {
  if (!kindNames) {
    kindNames = new Map()
    const kinds = kustoLanguage().Syntax.SyntaxKind
    for (const [name, value] of Object.entries(kinds)) {
      if (typeof value === 'number') kindNames.set(value, name)
    }
  }
  return kindNames.get(node.Kind) ?? `SyntaxKind ${node.Kind}`
}

/** Reads a typed property of a syntax node, such as `Left` or `Condition`. */
export function child(node: SyntaxNode, property: string): SyntaxNode | null {
  return ((node as unknown as Record<string, SyntaxNode | null>)[property] ??
    null) as SyntaxNode | null
}

/**
 * Returns the elements of a `SyntaxList<SeparatedElement<T>>` (the shape of
 * every comma-separated list in the tree) or of a plain `SyntaxList<T>`.
 */
export function listElements(list: SyntaxNode | null): SyntaxNode[] {
  if (!list) return []
  const elements: SyntaxNode[] = []
  for (let i = 0; i < list.ChildCount; i++) {
    const item = list.GetChild(i)
    if (!item) continue
    // A SeparatedElement contains the element first and its comma second.
    const element =
      kindName(item) === 'SeparatedElement' ? item.GetChild(0) : item
    if (element) elements.push(element)
  }
  return elements
}

/** Finds the first token under `node`, or undefined when there is none. */
export function firstToken(node: SyntaxNode): SyntaxNode | undefined {
  if (node.IsToken) return node
  for (let i = 0; i < node.ChildCount; i++) {
    const item = node.GetChild(i)
    const token = item ? firstToken(item) : undefined
    if (token) return token
  }
  return undefined
}

/** Parses KQL text without semantic analysis. */
export function parseKusto(text: string): {
  root: SyntaxNode
  errors: Array<{ message: string; offset: number }>
} {
  const code = kustoLanguage().KustoCode.Parse(text)
  const diagnostics = code.GetDiagnostics()
  const errors: Array<{ message: string; offset: number }> = []
  for (let i = 0; i < diagnostics.Count; i++) {
    const item = diagnostics.getItem(i)
    errors.push({ message: item.Message, offset: item.Start })
  }
  return { root: code.Syntax, errors }
}

/** Converts a character offset in `text` to a 1-based line and column. */
export function positionAt(text: string, offset: number): KqlPosition {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}
