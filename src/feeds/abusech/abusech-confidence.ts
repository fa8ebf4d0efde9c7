/**
 * Confidence (0-100) given to URLhaus and Feodo Tracker records, because
 * neither feed publishes one. abuse.ch reviews these listings, but an entry
 * may be offline and its address reassigned since, so they get 75, the
 * middle of the 50/75/100 levels that ThreatFox uses, and not 100, which
 * ThreatFox keeps for confirmed indicators. They pass a `--min-confidence`
 * of 75 and are rejected, with the reason, above it.
 */
export const ABUSECH_DEFAULT_CONFIDENCE = 75
