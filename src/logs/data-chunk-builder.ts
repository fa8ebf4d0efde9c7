import { createRequire } from 'node:module'
import { endianness } from 'node:os'

import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  INTEGER,
  INTERVAL,
  TIMESTAMP,
  VARCHAR,
  type DuckDBType,
} from '@duckdb/node-api'
import type * as DuckDBBindings from '@duckdb/node-bindings'

// The vector functions of @duckdb/node-bindings, which @duckdb/node-api
// wraps per value. They are loaded from where @duckdb/node-api loads them,
// so both use one instance of the native module and its handles.
const requireHere = createRequire(import.meta.url)
const bindings = createRequire(requireHere.resolve('@duckdb/node-api'))(
  '@duckdb/node-bindings',
) as typeof DuckDBBindings

/** DuckDB's vector size, the maximum number of rows in one data chunk. */
export const CHUNK_ROWS = 2048

/** The memory layout of a column's values in a DuckDB vector. */
export type ColumnStorage =
  | 'integer'
  | 'bigint'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'interval'
  | 'varchar'

/**
 * A value for `DataChunkBuilder.set`: an integer number or bigint for
 * integer, bigint, timestamp (microseconds since the Unix epoch) and
 * interval (microseconds) columns, a number for double, a boolean for
 * boolean and a string for varchar columns.
 */
export type ChunkValue = string | number | bigint | boolean

const DUCKDB_TYPES: Record<ColumnStorage, DuckDBType> = {
  integer: INTEGER,
  bigint: BIGINT,
  double: DOUBLE,
  boolean: BOOLEAN,
  timestamp: TIMESTAMP,
  interval: INTERVAL,
  varchar: VARCHAR,
}

// Bytes per row in a vector: DuckDB's C types int32_t, int64_t, double,
// bool, timestamp (int64_t), interval (int32_t months, int32_t days,
// int64_t micros) and duckdb_string_t.
const ROW_BYTES: Record<ColumnStorage, number> = {
  integer: 4,
  bigint: 8,
  double: 8,
  boolean: 1,
  timestamp: 8,
  interval: 16,
  varchar: 16,
}

// duckdb_string_t (duckdb.h) stores a string of up to 12 bytes inline: a
// 32-bit length, then the bytes, padded with zeros, which DuckDB's string
// comparison reads. Longer strings point into the vector's string heap,
// so only DuckDB can write them.
const INLINE_STRING_BYTES = 12

const TWO_TO_32 = 2 ** 32

/** The rows of one column in the layout of its DuckDB vector. */
class ColumnBuffer {
  private readonly buffer: ArrayBuffer
  private readonly bytes: Uint8Array
  private readonly int32: Int32Array
  private readonly int64: BigInt64Array
  private readonly float64: Float64Array
  // One bit per row, 1 for valid, in the byte order of DuckDB's 64-bit
  // validity words on a little-endian machine.
  private readonly validityBuffer = new ArrayBuffer(CHUNK_ROWS / 8)
  private readonly validity = new Uint8Array(this.validityBuffer).fill(0xff)
  private hasNull = false
  // Rows whose strings do not fit inline, written by DuckDB in `flush`.
  private readonly heapRows: number[] = []
  private readonly heapStrings: string[] = []

  constructor(readonly storage: ColumnStorage) {
    const buffer = new ArrayBuffer(CHUNK_ROWS * ROW_BYTES[storage])
    this.buffer = buffer
    this.bytes = new Uint8Array(buffer)
    this.int32 = new Int32Array(buffer, 0, buffer.byteLength >> 2)
    this.int64 = new BigInt64Array(buffer, 0, buffer.byteLength >> 3)
    this.float64 = new Float64Array(buffer, 0, buffer.byteLength >> 3)
  }

  setNull(row: number): void {
    this.validity[row >> 3]! &= ~(1 << (row & 7))
    this.hasNull = true
    // An empty inline string, so that no bytes of an earlier chunk stay.
    if (this.storage === 'varchar') {
      const word = row * 4
      this.int32[word] = 0
      this.int32[word + 1] = 0
      this.int32[word + 2] = 0
      this.int32[word + 3] = 0
    }
  }

  set(row: number, value: ChunkValue): void {
    switch (this.storage) {
      case 'integer':
        this.int32[row] = value as number
        return
      case 'bigint':
      case 'timestamp':
        this.setInt64(row * 2, value as number | bigint)
        return
      case 'interval':
        this.int32[row * 4] = 0
        this.int32[row * 4 + 1] = 0
        this.setInt64(row * 4 + 2, value as number | bigint)
        return
      case 'double':
        this.float64[row] = value as number
        return
      case 'boolean':
        this.bytes[row] = value ? 1 : 0
        return
      case 'varchar':
        this.setString(row, value as string)
    }
  }

  /** Writes a 64-bit integer at a 32-bit word index (even, so 8-byte aligned). */
  private setInt64(word: number, value: number | bigint): void {
    if (typeof value === 'bigint') {
      this.int64[word >> 1] = value
      return
    }
    // Two 32-bit halves spare a BigInt per value. They are exact for safe
    // integers, which is what the converters return as numbers.
    const high = Math.floor(value / TWO_TO_32)
    this.int32[word] = value - high * TWO_TO_32
    this.int32[word + 1] = high
  }

  private setString(row: number, value: string): void {
    const length = value.length
    if (length <= INLINE_STRING_BYTES) {
      const start = row * 16 + 4
      const word = row * 4
      this.int32[word + 1] = 0
      this.int32[word + 2] = 0
      this.int32[word + 3] = 0
      let i = 0
      // ASCII characters are their own UTF-8 bytes.
      for (; i < length; i++) {
        const code = value.charCodeAt(i)
        if (code >= 0x80) break
        this.bytes[start + i] = code
      }
      if (i === length) {
        this.int32[word] = length
        return
      }
    }
    this.heapRows.push(row)
    this.heapStrings.push(value)
  }

  /** Copies the first `rows` rows into `vector` and clears the buffer for the next chunk. */
  flush(vector: DuckDBBindings.Vector, rows: number): void {
    bindings.copy_data_to_vector(
      vector,
      0,
      this.buffer,
      0,
      rows * ROW_BYTES[this.storage],
    )
    // DuckDB encodes these as UTF-8 (a lone surrogate becomes U+FFFD) and
    // copies them into the vector's string heap.
    for (let i = 0; i < this.heapRows.length; i++) {
      bindings.vector_assign_string_element(
        vector,
        this.heapRows[i]!,
        this.heapStrings[i]!,
      )
    }
    this.heapRows.length = 0
    this.heapStrings.length = 0
    if (this.hasNull) {
      bindings.vector_ensure_validity_writable(vector)
      bindings.copy_data_to_vector_validity(
        vector,
        0,
        this.validityBuffer,
        0,
        Math.ceil(rows / 64) * 8,
      )
      this.validity.fill(0xff)
      this.hasNull = false
    }
  }
}

/**
 * Collects rows column by column in the memory layout of DuckDB vectors
 * and turns them into data chunks of up to 2048 rows. A chunk costs one
 * native copy per column, plus one call per string of more than 12 bytes
 * or with non-ASCII characters. Writing through `DuckDBVector.setItem`
 * instead costs a native call per string and a BigInt per 64-bit value.
 * The layout is that of DuckDB's C API (duckdb.h) on a little-endian CPU;
 * DuckDB's Node.js packages exist only for x64 and arm64, which are.
 *
 * @throws Error on a big-endian CPU.
 */
export class DataChunkBuilder {
  private readonly columns: ColumnBuffer[]
  private readonly types: DuckDBType[]
  /** Rows set so far in the current chunk. */
  rows = 0

  constructor(storage: readonly ColumnStorage[]) {
    if (endianness() !== 'LE')
      throw new Error('DataChunkBuilder needs a little-endian CPU')
    this.columns = storage.map((s) => new ColumnBuffer(s))
    this.types = storage.map((s) => DUCKDB_TYPES[s])
  }

  /**
   * Sets one cell of the current row (index `rows`). Null is SQL NULL.
   * The value must have the JavaScript type of the column's storage (see
   * `ChunkValue`), integers within the column type's range. Every column
   * must be set once per row, because buffers keep the previous chunk's
   * cells.
   */
  set(column: number, value: ChunkValue | null): void {
    const buffer = this.columns[column]!
    if (value === null) buffer.setNull(this.rows)
    else buffer.set(this.rows, value)
  }

  /** Finishes the current row and returns true when the chunk is full. */
  endRow(): boolean {
    this.rows++
    return this.rows === CHUNK_ROWS
  }

  /** Returns the rows set so far as a data chunk and starts an empty one. */
  build(): DuckDBDataChunk {
    const chunk = DuckDBDataChunk.create(this.types, this.rows)
    for (let i = 0; i < this.columns.length; i++) {
      const vector = bindings.data_chunk_get_vector(chunk.chunk, i)
      this.columns[i]!.flush(vector, this.rows)
    }
    this.rows = 0
    return chunk
  }
}
