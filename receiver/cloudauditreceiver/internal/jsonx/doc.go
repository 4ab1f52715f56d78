// Package jsonx holds the lenient fastjson readers every cloud decoder needs. Audit
// logs reach us through many exporters that disagree on types and key casing (ports
// as 22 or "22", booleans as true or "true", resultType or ResultType), so a decoder
// reads each field leniently and learns whether a usable value was there: one oddly
// typed field never costs the whole event. Nothing here allocates on the paths a
// well-formed event takes; per-cloud quirks stay in the decoders.
package jsonx
