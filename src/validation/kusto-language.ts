/**
 * Loads Microsoft's Kusto parser (the Bridge.NET build of Kusto.Language in
 * `@kusto/language-service-next`) and types the part of it that huntpack
 * uses. The package ships only global declarations, which clash with other
 * typings of the same globals, so the interfaces here are written by hand
 * against version 12.4.1.
 */
import { createRequire } from 'node:module'

/** A node or token of the Kusto syntax tree. */
export interface KustoSyntaxNode {
  /** A `Kusto.Language.Syntax.SyntaxKind` value. */
  readonly Kind: number
  readonly ChildCount: number
  GetChild(index: number): KustoSyntaxNode | null
  readonly IsToken: boolean
  /** Offset of the first character, leading trivia excluded. */
  readonly TextStart: number
  /** Token text, set on tokens only. */
  readonly Text?: string
  /** Decoded value, set on literal expressions only. */
  readonly LiteralValue?: unknown
  /** Value computed by the binder when the expression is constant. */
  readonly ConstantValue?: unknown
  readonly IsConstant?: boolean
}

/** A diagnostic as Kusto.Language reports it. Offsets count UTF-16 code units. */
export interface KustoDiagnostic {
  readonly Code: string
  /** `Error`, `Warning`, `Suggestion`, `Information` or `Hidden`. */
  readonly Severity: string
  readonly Message: string
  readonly Start: number
  readonly Length: number
}

/** A .NET `IReadOnlyList<T>` as Bridge.NET exposes it. */
export interface KustoList<T> {
  readonly Count: number
  getItem(index: number): T
}

/** A Kusto symbol (table, column, function, scalar type, ...). */
export interface KustoSymbol {
  readonly Name: string
  /** A `Kusto.Language.Symbols.SymbolKind` value. */
  readonly Kind: number
}

/** A table or the result type of a tabular expression. */
export interface KustoTableSymbol extends KustoSymbol {
  WithIsOpen(isOpen: boolean): KustoTableSymbol
}

/** Parsed and bound query text. */
export interface KustoCode {
  readonly Syntax: KustoSyntaxNode
  /** Result of the last query statement, or null when there is none. */
  readonly ResultType: KustoSymbol | null
  /** Parser and binder diagnostics, in text order. */
  GetDiagnostics(): KustoList<KustoDiagnostic>
  /** Converts an offset to a 1-based line and a 1-based column (`lineOffset`). */
  TryGetLineAndOffset(
    position: number,
    line: { v: number },
    lineOffset: { v: number },
  ): boolean
}

/** The set of names a query is bound against: functions, cluster, database. */
export interface KustoGlobalState {
  WithCluster(cluster: KustoSymbol): KustoGlobalState
  WithDatabase(database: KustoSymbol): KustoGlobalState
}

type Constructor<Args extends unknown[], T> = new (...args: Args) => T

/** The part of the `Kusto.Language` namespace huntpack uses. */
export interface KustoLanguage {
  KustoCode: {
    Parse(text: string): KustoCode
    ParseAndAnalyze(text: string, globals: KustoGlobalState): KustoCode
  }
  GlobalState: { Default: KustoGlobalState }
  Syntax: {
    SyntaxKind: Record<string, number>
    /** Base class of every literal expression node. */
    LiteralExpression: Function
  }
  Symbols: {
    ScalarTypes: { GetSymbol(typeName: string): KustoSymbol | null }
    ColumnSymbol: Constructor<
      [
        name: string,
        type: KustoSymbol,
        description: string | null,
        originalColumns: null,
        source: null,
        examples: null,
      ],
      KustoSymbol
    >
    TableSymbol: {
      /** A named table with the given columns. */
      $ctor4: Constructor<
        [name: string, columns: KustoSymbol[]],
        KustoTableSymbol
      >
      /** An unnamed table type, used as a function's result type. */
      ctor: Constructor<[columns: KustoSymbol[]], KustoTableSymbol>
    }
    Parameter: {
      /** Parses a declaration such as `(a:int, b:string='x')`. */
      ParseList(parameters: string): KustoList<unknown>
    }
    FunctionSymbol: {
      /** A function with a fixed result type. */
      $ctor6: Constructor<
        [
          name: string,
          returnType: KustoSymbol,
          parameters: KustoList<unknown>,
          description: string | null,
        ],
        KustoSymbol
      >
    }
    DatabaseSymbol: {
      $ctor1: Constructor<
        [name: string, members: unknown, isOpen: boolean],
        KustoSymbol
      >
    }
    ClusterSymbol: {
      ctor: Constructor<[name: string, databases: KustoSymbol[]], KustoSymbol>
    }
    SymbolKind: Record<string, number>
  }
}

/** The Bridge.NET runtime helpers the Kusto scripts install as `Bridge`. */
export interface BridgeRuntime {
  /** Wraps a JavaScript array as a .NET `List<T>`. */
  toList(items: unknown[]): unknown
  /** Returns true when `value` is an instance of the Bridge.NET class `type`. */
  is(value: unknown, type: Function): boolean
}

interface KustoGlobals {
  Kusto?: { Language?: KustoLanguage }
  Bridge?: BridgeRuntime
}

let loaded: { kusto: KustoLanguage; bridge: BridgeRuntime } | undefined

/**
 * Loads Kusto.Language on the first call and returns it. Later calls return
 * the same objects, because loading evaluates about 18 MB of script and sets
 * the globals `Kusto`, `Bridge` and `System`.
 */
export function loadKustoLanguage(): {
  kusto: KustoLanguage
  bridge: BridgeRuntime
} {
  if (loaded) return loaded
  // Node caches both scripts, so another module that loaded them first
  // (the local hunting engine does) costs nothing here.
  const require = createRequire(import.meta.url)
  require('@kusto/language-service-next/bridge.js')
  require('@kusto/language-service-next/Kusto.Language.Bridge.js')
  const globals = globalThis as KustoGlobals
  const kusto = globals.Kusto?.Language
  const bridge = globals.Bridge
  if (!kusto?.KustoCode || !bridge) {
    throw new Error(
      '@kusto/language-service-next did not define Kusto.Language; reinstall the dependencies with npm ci',
    )
  }
  loaded = { kusto, bridge }
  return loaded
}
