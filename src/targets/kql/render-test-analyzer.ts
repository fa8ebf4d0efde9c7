import {
  loadKustoLanguage,
  type KustoSyntaxNode,
} from '../../validation/kusto-language.ts'
import { KqlValidator } from '../../validation/kql-validator.ts'

// Test support for the renderer tests: checks a query with the project's
// KQL validator and lists the string literals of its syntax tree.

/** Result of analysing one query. */
export interface KqlAnalysis {
  /** Errors and warnings, each as `line:column message`. */
  problems: string[]
  /** Decoded values of the string literals, in text order. */
  stringLiterals: string[]
}

/**
 * Validates a query against the Sentinel catalog (errors and warnings fail,
 * as for every query huntpack writes) and decodes its string literals.
 */
export function analyzeKql(text: string): KqlAnalysis {
  const problems = KqlValidator.shared()
    .validate(text)
    .filter((diagnostic) => diagnostic.severity !== 'suggestion')
    .map((d) => `${d.line}:${d.column} ${d.message}`)
  return { problems, stringLiterals: stringLiterals(text) }
}

function stringLiterals(text: string): string[] {
  const { kusto } = loadKustoLanguage()
  const literalKind = kusto.Syntax.SyntaxKind.StringLiteralExpression
  const values: string[] = []
  const visit = (node: KustoSyntaxNode | null): void => {
    if (node === null) return
    if (node.Kind === literalKind) values.push(String(node.LiteralValue))
    for (let i = 0; i < node.ChildCount; i++) visit(node.GetChild(i))
  }
  visit(kusto.KustoCode.Parse(text).Syntax)
  return values
}
