/**
 * Confidence (0-100) given to URLhaus and Feodo Tracker records, because
 * neither feed publishes one. abuse.ch reviews these listings, but an entry
 * may be offline and its address reassigned since, so they get 75 and not
 * 100. 75 is also the most common level in ThreatFox exports (2,178 of the
 * 4,490 records of the bundled sample). They pass a `--min-confidence` of
 * 75 and are rejected, with the reason, above it.
 */
export const ABUSECH_DEFAULT_CONFIDENCE = 75
